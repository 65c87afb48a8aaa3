// An incremental reader of text/event-stream (the HTML standard's
// server-sent events format), for the SSE carrier. The SSE carrier reads
// the stream with fetch rather than EventSource because it must choose how
// to reattach: EventSource reconnects by itself to the first URL (without
// our session token), cannot send Last-Event-ID on a fresh object and hides
// the HTTP status (410 means the session is gone).

/**
 * @typedef {object} StreamEvent
 * @property {string} id the last event id seen (ids carry over, as in the standard)
 * @property {string} event the event type, "message" when none was given
 * @property {string} data the data lines joined with "\n"
 */

export class EventStreamParser {
  /** @param {(ev: StreamEvent) => void} emit */
  constructor(emit) {
    this.emit = emit;
    this.pending = '';
    /** The previous chunk ended with "\r": a "\n" starting this one is the same line end. */
    this.afterCR = false;
    this.lastId = '';
    this.event = '';
    /** @type {string[]} */
    this.data = [];
    this.hasData = false;
  }

  /**
   * Feed decoded text; complete events are emitted as they end.
   * @param {string} text
   */
  push(text) {
    if (this.afterCR && text.startsWith('\n')) text = text.slice(1);
    this.afterCR = false;
    const buf = this.pending + text;
    let start = 0;
    for (let i = 0; i < buf.length; i++) {
      const c = buf.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.line(buf.slice(start, i));
      if (c === 13) {
        if (i + 1 < buf.length) {
          if (buf.charCodeAt(i + 1) === 10) i++;
        } else {
          this.afterCR = true;
        }
      }
      start = i + 1;
    }
    this.pending = buf.slice(start);
  }

  /** @param {string} line */
  line(line) {
    if (line === '') {
      this.dispatch();
      return;
    }
    if (line.startsWith(':')) return; // a comment: the server's heartbeat
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.event = value;
        break;
      case 'data':
        this.data.push(value);
        this.hasData = true;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        break;
      default:
      // retry and unknown fields: the carrier decides its own reattaching
    }
  }

  dispatch() {
    const event = this.event || 'message';
    const data = this.data.join('\n');
    const had = this.hasData;
    this.event = '';
    this.data = [];
    this.hasData = false;
    if (had) this.emit({ id: this.lastId, event, data });
  }
}
