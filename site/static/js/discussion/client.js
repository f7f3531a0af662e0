/*
 * The discussion client: the protocol's side of the page (docs/realtime.md). It reads what the server
 * rendered, answers the server's frames, and keeps every room's state: the last contiguous `seq` seen (a
 * message more than one ahead starts a `sync` of that room at once, and every (re)connect syncs every room),
 * the ids seen (duplicates are dropped), the unread count, and whether the room is closed or has a pin.
 *
 * The socket is connection.js, unacknowledged messages outbox.js, what is shown render.js, and what the
 * person writes composer.js (its draft, kept on the server, draft.js).
 */

import { AttentionControl } from "./attention.js";
import { Composer } from "./composer.js";
import { Connection } from "./connection.js";
import { Outbox } from "./outbox.js";
import { View } from "./render.js";

const READ_DELAY = 400;
const ACK_SYNC_DELAY = 1500; // the ack came but not the message itself: sync after this long
const SYNC_RETRY_DELAY = 5000; // a sync refused for now (the database did not answer): asked again after this long

export class DiscussionClient {
    constructor(root) {
        this.root = root;
        const data = root.dataset;
        this.userId = Number(data.user);
        this.roomId = data.room ? Number(data.room) : null;
        this.live = data.live !== "false";
        this.loginUrl = data.loginUrl || "";
        this.strings = root.querySelector("[data-discussion-strings]")?.dataset || {};
        this.rooms = new Map(); // room id → {last, ids, unread, syncing, resync, closed, pinned}
        this.online = new Map(); // person id → name: who is here (`presence`, then `presence.update`)
        this.readTimer = null;

        this.connection = new Connection(data.wsPath, {
            frame: (text) => this.onFrame(text),
            state: (state, unchanged) => this.view.showState(state, unchanged),
            stopped: (reason) => this.view.showStopped(this.strings[reason], reason === "signIn" ? this.loginUrl : ""),
            forget: () => this.forgetSocket(),
        });
        this.outbox = new Outbox(`verkostamo.outbox.${this.userId}.${data.network}`, this.connection);
        this.view = new View(root, this.strings);
        this.composer = new Composer(this);
        this.attention = new AttentionControl(this);

        this.readPage();
        this.listen();
        this.connection.start();
    }

    // -- the page as the server rendered it --------------------------------------------------------------

    room(id) {
        let room = this.rooms.get(id);
        if (!room) {
            room = { last: 0, ids: new Set(), unread: 0, syncing: false, resync: false, closed: false, pinned: null };
            this.rooms.set(id, room);
        }
        return room;
    }

    readPage() {
        this.root.querySelectorAll("[data-unread-badge]").forEach((badge) => {
            const count = Number(badge.querySelector(".unread-badge__count")?.textContent || 0);
            this.room(Number(badge.dataset.unreadBadge)).unread = count;
        });
        const log = this.view.log;
        if (this.roomId === null || !log) {
            return;
        }
        const current = this.room(this.roomId);
        current.last = Number(this.root.dataset.lastSeq || 0);
        current.closed = !this.root.querySelector("[data-closed-note]")?.hidden;
        current.pinned = Number(this.root.querySelector("[data-pinned]")?.dataset.pinned) || null;
        const delivered = new Set();
        log.querySelectorAll("article[data-id]").forEach((article) => {
            current.ids.add(Number(article.dataset.id));
            if (article.dataset.clientId) {
                delivered.add(article.dataset.clientId);
            }
        });
        // Messages still in the outbox from an earlier visit: stored ones are done, the rest wait again.
        for (const entry of this.outbox.all()) {
            if (delivered.has(entry.client_id)) {
                this.outbox.remove(entry.client_id);
            } else if (entry.room === this.roomId && this.live) {
                this.view.renderPending(entry);
            }
        }
        this.root.querySelectorAll("[data-js-only]").forEach((element) => {
            element.hidden = false;
        });
    }

    listen() {
        document.addEventListener("visibilitychange", () => {
            if (document.visibilityState === "visible" && this.roomId !== null && this.room(this.roomId).unread) {
                this.scheduleRead();
            }
        });
        if (this.view.log) {
            this.composer.listen(this.view.log);
        }
        this.attention.listen();
    }

    /** The socket is gone: nothing is in flight or being synced on it any more. */
    forgetSocket() {
        this.outbox.forgetSocket();
        this.composer.draft?.forgetSocket();
        this.rooms.forEach((room) => {
            room.syncing = false;
            room.resync = false;
        });
    }

    // -- frames from the server ------------------------------------------------------------------------------

    onFrame(text) {
        let frame;
        try {
            frame = JSON.parse(text);
        } catch {
            return;
        }
        switch (frame.type) {
            case "rooms":
                this.onRooms(frame.rooms, frame.unread || {}, frame.drafts || {});
                break;
            case "draft":
                if (frame.room === this.roomId) {
                    this.composer.draft?.received(frame.body);
                }
                break;
            case "draft.saved":
                this.composer.draft?.stored();
                break;
            case "unread":
                this.room(frame.room).unread = frame.count;
                this.view.renderBadge(frame.room, frame.count);
                break;
            case "presence":
                this.online = new Map(frame.online.map((person) => [person.id, person.name]));
                this.renderPresence();
                break;
            case "presence.update":
                for (const person of frame.joined) {
                    this.online.set(person.id, person.name);
                }
                for (const id of frame.left) {
                    this.online.delete(id);
                }
                this.renderPresence();
                break;
            case "message.new":
                this.receive(frame.message, false);
                break;
            case "message.updated":
                this.onUpdated(frame.message);
                break;
            case "message.reactions":
                this.onReactions(frame.id, frame.reactions);
                break;
            case "message.deleted":
                this.onDeleted(frame.id, frame.hidden_reason || "");
                break;
            case "ack":
                this.onAck(frame);
                break;
            case "typing":
                this.view.showTyper(frame.room, frame.user);
                break;
            case "sync.result":
                this.onSyncResult(frame);
                break;
            case "room.created":
                this.onRoomCreated(frame.room);
                break;
            case "room.updated":
                this.onRoomUpdated(frame.room);
                break;
            case "report.received":
                this.composer.reported(frame.message);
                break;
            case "attention":
                this.attention.show(frame.room, frame.level);
                break;
            case "error":
                this.onError(frame);
                break;
            default:
                break;
        }
    }

    onRooms(rooms, unread, drafts) {
        this.connection.opened();
        for (const summary of rooms) {
            const room = this.room(summary.id);
            if (summary.id !== this.roomId) {
                // Everything up to here is counted in the frame's unread counts.
                room.last = Math.max(room.last, summary.last_seq);
            }
            this.onRoomUpdated(summary);
        }
        for (const [id, count] of Object.entries(unread)) {
            this.room(Number(id)).unread = count;
            this.view.renderBadge(Number(id), count);
        }
        // After every (re)connect: sync every room from the last seq seen, then re-send the outbox; then the draft
        // (the server's, unless something typed here waits: that is stored now, after the outbox's sends, which
        // delete the drafts they were made from).
        for (const id of this.rooms.keys()) {
            this.requestSync(id);
        }
        this.outbox.flush();
        if (this.roomId !== null) {
            this.composer.draft?.received(drafts[this.roomId] || "");
            this.composer.draft?.opened();
        }
    }

    requestSync(id) {
        const room = this.room(id);
        if (room.syncing) {
            room.resync = true;
            return;
        }
        if (this.connection.send({ type: "sync", room: id, after: room.last })) {
            room.syncing = true;
        }
    }

    renderPresence() {
        this.view.renderPresence([...this.online].map(([id, name]) => ({ id, name })));
    }

    retryUnansweredSyncs() {
        for (const [id, room] of this.rooms) {
            if (room.syncing) {
                room.syncing = false;
                room.resync = false;
                this.requestSync(id);
            }
        }
    }

    onSyncResult({ room: id, messages, complete }) {
        const room = this.room(id);
        room.syncing = false;
        for (const message of messages) {
            this.receive(message, true);
            room.last = Math.max(room.last, message.seq);
        }
        if (!complete || room.resync) {
            room.resync = false;
            this.requestSync(id);
        }
    }

    /** A message from `message.new` or a sync: dropped if seen, else shown (this room) or counted (others). */
    receive(message, fromSync) {
        const room = this.room(message.room);
        const own = message.author.id === this.userId;
        if (own && message.client_id) {
            this.outbox.settle(message.client_id);
        }
        if (room.ids.has(message.id)) {
            if (message.reactions) {
                this.onReactions(message.id, message.reactions); // a sync after a reconnect: what was missed
            }
            return;
        }
        room.ids.add(message.id);
        const counted = message.seq <= room.last; // already in the server's unread count, or on the page
        if (!fromSync) {
            if (message.seq === room.last + 1) {
                room.last = message.seq;
            } else if (message.seq > room.last + 1) {
                this.requestSync(message.room); // a gap: something was missed
            }
        }
        const here = message.room === this.roomId;
        if (here && this.live) {
            if (this.view.renderMessage(message) && message.deleted) {
                this.onDeleted(message.id, message.hidden_reason || "");
            }
            this.view.clearTyper(message.author.id);
        } else if (here && !counted) {
            this.view.showNewNote();
        }
        if (counted || own || message.deleted) {
            return;
        }
        if (here && this.live && document.visibilityState === "visible") {
            this.scheduleRead();
        } else {
            room.unread += 1;
            this.view.renderBadge(message.room, room.unread);
        }
    }

    onAck({ client_id: clientId, id }) {
        const entry = this.outbox.get(clientId);
        this.outbox.settle(clientId);
        if (!entry) {
            return;
        }
        // The ack came; the message itself comes as `message.new`. If the channel layer lost that, sync.
        setTimeout(() => {
            if (!this.room(entry.room).ids.has(id)) {
                this.requestSync(entry.room);
            }
        }, ACK_SYNC_DELAY);
    }

    onError({ code, detail, client_id: clientId }) {
        if (AttentionControl.answers(clientId)) {
            this.attention.refused(detail);
            return;
        }
        const entry = clientId ? this.outbox.get(clientId) : null;
        if (!entry) {
            if (!clientId && (code === "unavailable" || code === "server_error")) {
                // A sync that the server could not answer (syncs carry no client id): no result will come, so the
                // rooms still waiting for theirs ask again after a while.
                setTimeout(() => this.retryUnansweredSyncs(), SYNC_RETRY_DELAY);
            }
            if (!this.composer.refused(detail)) {
                this.composer.showError(detail);
            }
            return;
        }
        this.outbox.answered(clientId);
        if (code === "rate_limited" || code === "server_error" || code === "unavailable") {
            // Kept in the outbox and tried again after the wait the server names (the database's return for
            // `unavailable`: a few seconds, then again).
            const seconds = Number((detail.match(/\d+/) || [])[0]) || (code === "rate_limited" ? 10 : 5);
            this.outbox.retryIn(clientId, seconds);
            this.composer.showError(detail);
            return;
        }
        if (code === "signed_out") {
            // Kept in the outbox: re-sent once a socket opens with a valid session (the reconnect that
            // follows, or the next visit after signing in again). The close that follows says the rest.
            return;
        }
        // Refused for good (empty, too long, closed room…): the text goes back to the form.
        this.outbox.remove(clientId);
        this.view.removePending(clientId);
        if (entry.room === this.roomId) {
            this.composer.restore(entry.body);
        }
        this.composer.showError(`${detail} ${this.strings.notSent || ""}`.trim());
    }

    onUpdated(message) {
        const article = this.view.article(message.id);
        if (!article) {
            return;
        }
        this.view.renderUpdated(article, message);
        this.composer.updated(message.id);
        if (this.room(message.room).pinned === message.id) {
            this.view.renderPinned(message.id);
        }
    }

    onReactions(id, reactions) {
        const article = this.view.article(id);
        if (article) {
            this.view.renderReactions(article, reactions);
        }
    }

    onDeleted(id, hiddenReason) {
        const article = this.view.article(id);
        if (!article) {
            return;
        }
        this.composer.deleted(id);
        this.view.renderDeleted(article, hiddenReason);
        if (this.roomId !== null && this.room(this.roomId).pinned === id) {
            this.view.renderPinned(id);
        }
    }

    onRoomCreated(summary) {
        const room = this.room(summary.id);
        room.last = Math.max(room.last, summary.last_seq);
        this.view.renderNewRoom(summary);
    }

    onRoomUpdated(summary) {
        const room = this.room(summary.id);
        room.closed = summary.closed;
        if (summary.id !== this.roomId) {
            return;
        }
        this.view.renderClosed(summary.closed);
        this.composer.roomClosed(summary.closed);
        if (summary.pinned !== room.pinned) {
            room.pinned = summary.pinned;
            this.view.renderPinned(summary.pinned);
        }
    }

    // -- unread ----------------------------------------------------------------------------------------------

    scheduleRead() {
        if (this.roomId === null || !this.live) {
            return;
        }
        clearTimeout(this.readTimer);
        this.readTimer = setTimeout(() => {
            if (document.visibilityState === "visible") {
                this.connection.send({ type: "read", room: this.roomId, message_id: this.room(this.roomId).last });
            }
        }, READ_DELAY);
    }
}
