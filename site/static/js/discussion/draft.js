/*
 * The message box's draft, kept on the server (docs/realtime.md, "Drafts"): what is typed is sent as a `draft`
 * frame a second after typing stops, and at once when the box loses focus or the page is hidden or left. The
 * server puts it into the room page's box, sends the person's drafts in `rooms` on every (re)connect, and passes
 * a draft saved on another of their sockets on as `draft`; sending the message deletes it.
 *
 * What is typed here wins over what arrives: a draft from the server replaces the box only while nothing typed
 * here is waiting to be stored or on its way. A frame sent on a socket that dropped before its `draft.saved` came
 * may not have arrived, so it counts as waiting and is sent again after the reconnect.
 */

const SAVE_DELAY = 1000; // ms after the last key

export class Draft {
    constructor(client, textarea) {
        this.client = client;
        this.textarea = textarea;
        this.dirty = false; // typed here and not yet stored
        this.awaiting = 0; // draft frames sent on this socket without their `draft.saved`
        this.timer = null;
    }

    listen() {
        this.textarea.addEventListener("input", () => this.typed());
        this.textarea.addEventListener("blur", () => this.save());
        window.addEventListener("pagehide", () => this.save());
        document.addEventListener("visibilitychange", () => {
            if (document.visibilityState === "hidden") {
                this.save();
            }
        });
    }

    typed() {
        this.dirty = true;
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.save(), SAVE_DELAY);
    }

    save() {
        clearTimeout(this.timer);
        this.timer = null;
        if (!this.dirty) {
            return;
        }
        const body = this.textarea.value;
        if (this.client.connection.send({ type: "draft", room: this.client.roomId, body })) {
            this.dirty = false;
            this.awaiting += 1;
        }
        // Not sent (no socket): still dirty, sent after the reconnect.
    }

    /** The server stored one of our frames. */
    stored() {
        this.awaiting = Math.max(0, this.awaiting - 1);
    }

    /** The socket is gone: what it may not have delivered waits to be sent again. */
    forgetSocket() {
        if (this.awaiting) {
            this.dirty = true;
            this.awaiting = 0;
        }
    }

    /** The server's draft of this room: from `rooms` after a (re)connect, or a `draft` saved elsewhere. */
    received(body) {
        // A message still in the outbox is the draft it was made from: the send will delete it.
        if (body && this.client.outbox.all().some((entry) => entry.room === this.client.roomId && entry.body === body)) {
            body = "";
        }
        if (!this.dirty && !this.awaiting && this.textarea.value !== body) {
            this.textarea.value = body;
        }
    }

    /** After a reconnect: what was typed while the socket was away is stored now. */
    opened() {
        this.save();
    }

    /** The message was sent: the server deletes the draft with it. */
    sent() {
        clearTimeout(this.timer);
        this.timer = null;
        this.dirty = false;
    }
}
