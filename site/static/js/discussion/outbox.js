/*
 * Messages are kept in an outbox in localStorage (per person and network) from the moment they are sent
 * until their `ack` (or their own `message.new`) arrives, so a reload or a lost connection never loses one;
 * they are re-sent with the same client_id, which the server stores once.
 */

const ACK_TIMEOUT = 15000; // an open socket that answers nothing in this long is treated as dead

export class Outbox {
    /** Unacknowledged messages in localStorage; read fresh on every change, so two tabs do not clobber. */
    constructor(key, connection) {
        this.key = key;
        this.memory = [];
        this.connection = connection;
        this.inFlight = new Map(); // client_id → ack watchdog timer, for the current socket
        this.flushTimer = null;
    }

    // -- storage ---------------------------------------------------------------------------------------------

    all() {
        try {
            const stored = JSON.parse(window.localStorage.getItem(this.key) || "[]");
            return Array.isArray(stored) ? stored : [];
        } catch {
            return this.memory;
        }
    }

    save(entries) {
        this.memory = entries;
        try {
            if (entries.length) {
                window.localStorage.setItem(this.key, JSON.stringify(entries));
            } else {
                window.localStorage.removeItem(this.key);
            }
        } catch {
            // Storage full or forbidden: the outbox lives in memory for this page.
        }
    }

    add(entry) {
        this.save([...this.all().filter((item) => item.client_id !== entry.client_id), entry]);
    }

    get(clientId) {
        return this.all().find((item) => item.client_id === clientId);
    }

    update(clientId, changes) {
        this.save(this.all().map((item) => (item.client_id === clientId ? { ...item, ...changes } : item)));
    }

    remove(clientId) {
        const entries = this.all();
        const kept = entries.filter((item) => item.client_id !== clientId);
        if (kept.length !== entries.length) {
            this.save(kept);
        }
    }

    // -- sending ---------------------------------------------------------------------------------------------

    /** Sends every outbox message not yet sent on this socket (and not waiting out a rate limit). */
    flush() {
        if (!this.connection.isOpen()) {
            return;
        }
        const now = Date.now();
        let nextRetry = Infinity;
        for (const entry of this.all()) {
            if (this.inFlight.has(entry.client_id)) {
                continue;
            }
            if (entry.retryAt && entry.retryAt > now) {
                nextRetry = Math.min(nextRetry, entry.retryAt);
                continue;
            }
            const frame = { type: "message.send", room: entry.room, body: entry.body, client_id: entry.client_id };
            if (entry.reply_to) {
                frame.reply_to = entry.reply_to;
            }
            if (!this.connection.send(frame)) {
                return;
            }
            const socket = this.connection.socket;
            this.inFlight.set(
                entry.client_id,
                setTimeout(() => {
                    // No answer at all on an "open" socket: it is dead. Reconnecting re-sends the outbox.
                    if (socket === this.connection.socket && this.get(entry.client_id)) {
                        this.connection.drop();
                        this.connection.scheduleReconnect();
                    }
                }, ACK_TIMEOUT),
            );
        }
        if (nextRetry !== Infinity) {
            this.scheduleFlush(nextRetry - now);
        }
    }

    scheduleFlush(delay) {
        clearTimeout(this.flushTimer);
        this.flushTimer = setTimeout(() => this.flush(), Math.max(0, delay));
    }

    /** The server answered about this message: no longer waited for on this socket. */
    answered(clientId) {
        clearTimeout(this.inFlight.get(clientId));
        this.inFlight.delete(clientId);
    }

    /** The message is stored: out of the outbox, and no longer waited for. */
    settle(clientId) {
        this.answered(clientId);
        this.remove(clientId);
    }

    /** Kept, and tried again in `seconds` (after a rate limit or a server error). */
    retryIn(clientId, seconds) {
        this.update(clientId, { retryAt: Date.now() + seconds * 1000 });
        this.scheduleFlush(seconds * 1000);
    }

    /** The socket is gone: nothing is in flight on it any more (the next socket re-sends). */
    forgetSocket() {
        this.inFlight.forEach((timer) => clearTimeout(timer));
        this.inFlight.clear();
    }
}
