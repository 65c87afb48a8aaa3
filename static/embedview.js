// Embed view: an embed (?embed=1) opens on the whole drawing. A frame on
// another site's page is smaller than the screens a board is drawn on, and
// at the default view a reader saw an empty corner of the board, or the
// drawing cut at the frame's edge (in a phone-wide frame, nothing of it).
// Excalidraw's and tldraw's embeds open on their content too.
//
// Once, on the first welcome that gives the board its state: a reconnect
// keeps the pan and zoom the reader chose since. The fit never zooms in
// past 100 % (navigate.js fitView), so a small drawing is not blown up.

/**
 * @param {object} o
 * @param {{on: (type: string, fn: () => void) => void}} o.conn the connection (net.js)
 * @param {{hasState: boolean}} o.sync the board's state (sync.js), applied before this is told
 * @param {() => void} o.fit shows the whole drawing
 */
export function fitOnFirstState({ conn, sync, fit }) {
  let done = false;
  conn.on('welcome', () => {
    if (done || !sync.hasState) return;
    done = true;
    fit();
  });
}
