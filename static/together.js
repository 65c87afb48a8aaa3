// Together: wires what members see of each other beyond cursors — views and
// following (views.js, follow.js), summon, cursor chat (cursorchat.js) and
// reactions (reactions.js) — to the connection, the peer list and the keys:
// "/" chat, E reactions, Escape stops following. Both roles may do all of
// it but summon, which is the edit role's (the button is not on view pages).

import { CursorChat } from './cursorchat.js';
import { Follow } from './follow.js';
import { EventBudget, readPresence } from './presencewire.js';
import { Reactions } from './reactions.js';
import { isTextField, keysOf, togetherForKeys } from './shortcuts.js';
import { ViewReporter } from './views.js';

/** @typedef {import('./net.js').Connection} Connection */
/** @typedef {import('./viewport.js').Viewport} Viewport */
/** @typedef {import('./cursors.js').RemoteCursors} RemoteCursors */
/** @typedef {import('./presence.js').Presence} Presence */
/** @typedef {import('./pointer.js').LocalPointer} LocalPointer */
/** @typedef {import('./cursorchat.js').Spot} Spot */

/**
 * @param {object} o
 * @param {HTMLElement} o.root the #app element
 * @param {HTMLElement} o.stage
 * @param {HTMLCanvasElement} o.surface the board canvas
 * @param {HTMLElement} o.layer the cursor layer
 * @param {Connection} o.conn
 * @param {Viewport} o.viewport
 * @param {RemoteCursors} o.cursors
 * @param {Presence} o.presence
 * @param {LocalPointer} o.pointer
 * @param {(text: string) => void} o.notify a toast
 * @param {() => {you: string, role: string}} o.session
 * @param {() => boolean} o.blocked a dialog (the help) has the keys
 */
export function setupTogether({ root, stage, surface, layer, conn, viewport, cursors, presence, pointer, notify, session, blocked }) {
  const screen = () => ({ w: surface.clientWidth, h: surface.clientHeight });
  const self = () => {
    const me = presence.get(session().you);
    return { id: session().you, name: me?.name ?? 'You', color: me?.color ?? '#868e96' };
  };
  const follow = new Follow({
    viewport,
    screen,
    stage,
    peer: (id) => (id === session().you ? undefined : presence.get(id)),
    onChange: (id) => presence.setFollowing(id),
    notify,
  });
  // Views go out once welcomed (the welcome itself sends the first): the
  // server has no member to give one before.
  let welcomed = false;
  const views = new ViewReporter({ viewport, screen, send: (msg) => welcomed && conn.send(msg) });
  new ResizeObserver(() => {
    views.resized();
    follow.resized();
  }).observe(surface);

  /**
   * Where a peer is on this screen: its cursor, else the centre of its view;
   * oneself: the pointer over the board, else the middle of the screen.
   * @param {string} id
   * @returns {Spot | null}
   */
  const spot = (id) => {
    if (id === session().you) {
      const p = pointer.screen;
      if (p) return { x: p.x, y: p.y, cursor: true };
      const { w, h } = screen();
      return { x: w / 2, y: h / 2, cursor: false };
    }
    const c = cursors.cursors.get(id);
    if (c) return { ...viewport.toScreen(c.x, c.y), cursor: true };
    const v = follow.views.get(id);
    if (v) return { ...viewport.toScreen(v.x + v.w / 2, v.y + v.h / 2), cursor: false };
    return null;
  };

  // Said to screen readers: the bubbles and emoji are in the aria-hidden cursor layer.
  const live = document.createElement('div');
  live.className = 'visually-hidden';
  live.setAttribute('role', 'status');
  stage.append(live);
  const announce = (/** @type {string} */ text) => {
    live.textContent = text;
  };

  // Chat and reactions share the server's budget: asked here first.
  const budget = new EventBudget();
  let lastEventAt = -Infinity;
  /** @param {object} msg */
  const sendEvent = (msg) => {
    if (!conn.connected) {
      notify('Not connected: nothing was sent');
      return false;
    }
    const now = performance.now();
    if (!budget.take(now)) {
      notify(`Slow down: 5 messages and reactions every 10 seconds (again in ${Math.ceil(budget.wait(now) / 1000)} s)`);
      return false;
    }
    lastEventAt = now;
    return conn.send(msg);
  };
  /** @type {import('./cursorchat.js').Around} */
  const around = { stage, layer, spot, self, peer: (id) => presence.get(id), announce };
  const chat = new CursorChat(around, surface, (text) => sendEvent({ type: 'chat', text }));
  const reactions = new Reactions(around, (emoji) => sendEvent({ type: 'react', emoji }));

  /** @type {HTMLButtonElement | null} */
  const reactButton = root.querySelector('[data-testid="react-button"]');
  reactButton?.addEventListener('click', () => {
    if (reactions.isOpen) reactions.close();
    else reactions.open(reactButton);
  });
  reactions.onChat = () => chat.open();
  const syncReactButton = () => reactButton?.setAttribute('aria-expanded', String(reactions.isOpen));
  new MutationObserver(syncReactButton).observe(reactions.picker, { attributes: true, attributeFilter: ['hidden'] });

  /** @type {HTMLButtonElement | null} */
  const summonButton = root.querySelector('[data-testid="summon-button"]');
  summonButton?.addEventListener('click', () => {
    if (session().role !== 'edit') return;
    if (presence.all().length < 2) {
      notify('Nobody else is here yet');
      return;
    }
    if (conn.send({ type: 'summon' })) notify('Everyone now follows your view (Esc stops it for them)');
  });

  // A click on someone's chip follows them; on the one followed, stops.
  /** @type {HTMLElement} */ (presence.list).addEventListener('click', (ev) => {
    const chip = ev.target instanceof Element ? ev.target.closest('[data-testid="peer-chip"]') : null;
    const id = chip instanceof HTMLElement ? (chip.dataset.peerId ?? '') : '';
    if (!id || id === session().you) return;
    if (presence.overflow.contains(chip)) presence.disclosure.close();
    if (follow.following === id) follow.stop();
    else follow.follow(id);
  });

  conn.on('welcome', () => {
    welcomed = true;
    follow.welcomed((id) => presence.get(id) !== undefined);
    views.welcomed();
  });
  conn.on('leave', (msg) => {
    if (typeof msg.id !== 'string') return;
    follow.peerLeft(msg.id);
    chat.remove(msg.id);
  });
  conn.onDisconnect(() => {
    welcomed = false;
    chat.clear();
  });
  conn.on('presence', (msg) => {
    const news = readPresence(msg);
    const you = session().you;
    for (const [id, rect] of news.views) if (id !== you) follow.setView(id, rect);
    for (const [id, text] of news.chat) if (id !== you) chat.show(id, text);
    for (const [id, emoji] of news.reactions) if (id !== you) reactions.float(id, emoji);
    if (news.summon && news.summon !== you && presence.get(news.summon)) {
      follow.follow(news.summon);
      notify(`${presence.get(news.summon)?.name} brought everyone to their view — Esc to stop following`);
    }
  });

  // "/" chat, E reactions, Escape stops following: before the board's own
  // keys (capture), after the help's, never while typing in a field.
  window.addEventListener(
    'keydown',
    (ev) => {
      if (ev.defaultPrevented || blocked() || isTextField(ev.target)) return;
      if (ev.key === 'Escape') {
        if (reactions.isOpen) return; // the picker closes itself
        if (follow.following) {
          ev.preventDefault();
          follow.stop();
        }
        return;
      }
      const what = togetherForKeys(keysOf(ev), ev.key);
      if (!what || ev.repeat || reactions.picker.contains(/** @type {Node} */ (ev.target))) return;
      ev.preventDefault();
      if (what === 'chat') chat.open();
      else if (reactions.isOpen) reactions.close();
      else reactions.open();
    },
    true,
  );

  return {
    /** The view as the page shows it, and whom it follows (window.easel.view). */
    view: () => {
      const { x, y, scale } = viewport.view;
      const { w, h } = screen();
      return { x, y, scale, w: w / scale, h: h / scale, following: follow.following };
    },
    /** Others' views as last received. */
    views: () => Object.fromEntries([...follow.views].map(([id, r]) => [id, { ...r }])),
    /**
     * An error the server sent: a rate_limited answering a chat or reaction
     * just sent (the server's window and ours a few milliseconds apart) gets words
     * that say what happened. Returns whether it was one.
     * @param {Record<string, unknown>} msg
     * @returns {boolean}
     */
    error: (msg) => {
      if (msg.code !== 'rate_limited' || performance.now() - lastEventAt > 3000) return false;
      notify('Slow down: that message or reaction was not sent (5 every 10 seconds)');
      return true;
    },
    follow,
    chat,
    reactions,
  };
}
