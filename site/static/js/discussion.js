/*
 * Verkostamo – the discussion's browser client (an ES module, no build step).
 *
 * Enhances the server-rendered room page (templates/discussions/room.html) and the rooms list over one
 * websocket per page, ws(s)://HOST/ws/networks/<slug>/ (docs/realtime.md describes the protocol). Without
 * it, or while the socket has never opened, the page's normal forms still work.
 *
 * Connection states (root[data-state]):
 *   connecting → open             the server's `rooms` frame arrived: the outbox is re-sent, every room synced
 *   open → reconnecting           the socket closed: retry after 1 s, 2 s, 4 s … at most 30 s, with jitter
 *   any → offline                 the browser says it is offline: no attempts until its `online` event
 *   any → stopped                 closed with 4401 (sign in again) or 4403 (no longer a member): no retries
 *   open → reconnecting (4401)    except once at once: the socket's session ended, yet the browser may hold a
 *                                 newer one (a password change gives the session a new key); the handshake
 *                                 decides, and a 4401 there stops
 *
 * Messages are kept in an outbox in localStorage (per person and network) from the moment they are sent
 * until their `ack` (or their own `message.new`) arrives, so a reload or a lost connection never loses one;
 * they are re-sent with the same client_id, which the server stores once. Every room's last `seq` is kept:
 * a message more than one ahead starts a `sync` of that room at once, and duplicates are dropped by id.
 * Only a message's `body_html` (cleaned by the server) is ever inserted as HTML.
 */

const TYPING_INTERVAL = 3000; // ms between our typing frames
const TYPING_SHOWN = 5000; // ms a "X kirjoittaa…" stays
const BACKOFF_MIN = 1000;
const BACKOFF_MAX = 30000;
const ACK_TIMEOUT = 15000; // an open socket that answers nothing in this long is treated as dead
const READ_DELAY = 400;
const EXCERPT_LENGTH = 80;

/** The server's format (templates/discussions/message.html: "j.n.Y H.i"), in the browser's time zone. */
function formatTime(date) {
    const pad = (number) => String(number).padStart(2, "0");
    return `${date.getDate()}.${date.getMonth() + 1}.${date.getFullYear()} ${pad(date.getHours())}.${pad(date.getMinutes())}`;
}

function newClientId() {
    if (crypto.randomUUID) {
        return crypto.randomUUID();
    }
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (match, key) => (key in values ? String(values[key]) : match));
}

/** A message body as read: list items and paragraphs apart, without markup. */
function plainText(element) {
    return element.innerText || element.textContent;
}

function excerpt(text) {
    const flat = text.replace(/\s+/g, " ").trim();
    return flat.length <= EXCERPT_LENGTH ? flat : `${flat.slice(0, EXCERPT_LENGTH - 1)}…`;
}

class Outbox {
    /** Unacknowledged messages in localStorage; read fresh on every change, so two tabs do not clobber. */
    constructor(key) {
        this.key = key;
        this.memory = [];
    }

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
}

class DiscussionClient {
    constructor(root) {
        this.root = root;
        const data = root.dataset;
        this.userId = Number(data.user);
        this.wsPath = data.wsPath;
        this.roomsUrl = data.roomsUrl;
        this.roomId = data.room ? Number(data.room) : null;
        this.roomUrl = data.roomUrl || null;
        this.live = data.live !== "false";
        this.loginUrl = data.loginUrl || "";
        this.strings = root.querySelector("[data-discussion-strings]")?.dataset || {};
        this.outbox = new Outbox(`verkostamo.outbox.${this.userId}.${data.network}`);

        this.rooms = new Map(); // room id → {last, ids, unread, syncing, resync, closed, pinned}
        this.socket = null;
        this.state = "connecting";
        this.everConnected = false;
        this.attempt = 0;
        this.reconnectTimer = null;
        this.flushTimer = null;
        this.inFlight = new Map(); // client_id → ack watchdog timer, for the current socket
        this.lastTypingSent = 0;
        this.typers = new Map(); // user id → {name, timer}
        this.readTimer = null;
        this.replyTo = null;
        this.editing = null; // {id, article, form, awaiting}

        this.log = root.querySelector("[data-log]");
        this.template = document.getElementById("discussion-message-template");
        this.form = root.querySelector("[data-compose]");
        this.textarea = this.form?.querySelector("textarea") || null;
        this.errors = root.querySelector("[data-errors]");
        this.status = root.querySelector("[data-status]");
        this.typingLine = root.querySelector("[data-typing]");

        this.readPage();
        this.listen();
        this.connect();
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
        if (this.roomId === null || !this.log) {
            return;
        }
        const current = this.room(this.roomId);
        current.last = Number(this.root.dataset.lastSeq || 0);
        current.closed = !this.root.querySelector("[data-closed-note]")?.hidden;
        current.pinned = Number(this.root.querySelector("[data-pinned]")?.dataset.pinned) || null;
        this.replyTo = Number(this.form?.elements.namedItem("reply_to")?.value) || null; // from ?vastaa=<id>
        const delivered = new Set();
        this.log.querySelectorAll("article[data-id]").forEach((article) => {
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
                this.renderPending(entry);
            }
        }
        this.root.querySelectorAll("[data-js-only]").forEach((element) => {
            element.hidden = false;
        });
    }

    listen() {
        window.addEventListener("offline", () => {
            this.dropSocket();
            this.setState("offline");
        });
        window.addEventListener("online", () => {
            if (this.state !== "stopped" && !this.socket) {
                this.attempt = 0;
                clearTimeout(this.reconnectTimer);
                this.connect();
            }
        });
        document.addEventListener("visibilitychange", () => {
            if (document.visibilityState === "visible" && this.roomId !== null && this.room(this.roomId).unread) {
                this.scheduleRead();
            }
        });
        if (!this.log) {
            return;
        }
        this.form?.addEventListener("submit", (event) => this.onSubmit(event));
        this.textarea?.addEventListener("keydown", (event) => {
            if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
                event.preventDefault();
                this.form.requestSubmit();
            }
        });
        this.textarea?.addEventListener("input", () => this.onTyping());
        this.root.querySelector("[data-action='cancel-reply']")?.addEventListener("click", (event) => {
            event.preventDefault();
            this.setReply(null);
            this.textarea?.focus();
        });
        this.log.addEventListener("click", (event) => this.onLogClick(event));
        this.log.addEventListener("submit", (event) => this.onLogSubmit(event));
    }

    // -- the connection --------------------------------------------------------------------------------------

    isOpen() {
        return this.state === "open" && this.socket !== null && this.socket.readyState === WebSocket.OPEN;
    }

    connect() {
        if (this.state === "stopped" || this.socket) {
            return;
        }
        if (navigator.onLine === false) {
            this.setState("offline");
            return;
        }
        this.setState(this.everConnected ? "reconnecting" : "connecting");
        const scheme = window.location.protocol === "https:" ? "wss" : "ws";
        const socket = new WebSocket(`${scheme}://${window.location.host}${this.wsPath}`);
        this.socket = socket;
        socket.addEventListener("message", (event) => {
            if (socket === this.socket) {
                this.onFrame(event.data);
            }
        });
        socket.addEventListener("close", (event) => {
            if (socket === this.socket) {
                this.onClose(event.code);
            }
        });
    }

    onClose(code) {
        const wasOpen = this.state === "open";
        this.forgetSocket();
        if (code === 4401 && wasOpen) {
            this.connect();
        } else if (code === 4401) {
            this.stop(this.strings.signIn, this.loginUrl);
        } else if (code === 4403) {
            this.stop(this.strings.notMember);
        } else if (navigator.onLine === false) {
            this.setState("offline");
        } else {
            this.scheduleReconnect();
        }
    }

    forgetSocket() {
        this.socket = null;
        this.inFlight.forEach((timer) => clearTimeout(timer));
        this.inFlight.clear();
        this.rooms.forEach((room) => {
            room.syncing = false;
            room.resync = false;
        });
    }

    /** Leaves the current socket for dead (it may never send its close event) and forgets it. */
    dropSocket() {
        const socket = this.socket;
        this.forgetSocket();
        if (socket && socket.readyState <= WebSocket.OPEN) {
            socket.close();
        }
    }

    scheduleReconnect() {
        const base = Math.min(BACKOFF_MAX, BACKOFF_MIN * 2 ** this.attempt);
        const delay = Math.min(BACKOFF_MAX, base * (0.75 + Math.random() * 0.5));
        this.attempt += 1;
        this.setState("reconnecting");
        clearTimeout(this.reconnectTimer);
        this.reconnectTimer = setTimeout(() => this.connect(), delay);
    }

    stop(text, link) {
        clearTimeout(this.reconnectTimer);
        this.setState("stopped");
        if (!this.status) {
            return;
        }
        this.status.replaceChildren();
        if (link) {
            const anchor = document.createElement("a");
            anchor.href = link;
            anchor.textContent = text;
            this.status.append(anchor);
        } else {
            this.status.textContent = text;
        }
    }

    setState(state) {
        if (state === this.state && this.status?.textContent) {
            return;
        }
        this.state = state;
        this.root.dataset.state = state;
        const words = {
            connecting: this.strings.connecting,
            open: this.strings.connected,
            reconnecting: this.strings.reconnecting,
            offline: this.strings.offline,
        };
        if (this.status && state in words) {
            this.status.textContent = words[state] || "";
        }
    }

    send(frame) {
        if (!this.isOpen()) {
            return false;
        }
        this.socket.send(JSON.stringify(frame));
        return true;
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
                this.onRooms(frame.rooms);
                break;
            case "unread":
                this.room(frame.room).unread = frame.count;
                this.renderBadge(frame.room);
                break;
            case "presence":
                this.renderPresence(frame.online);
                break;
            case "message.new":
                this.receive(frame.message, false);
                break;
            case "message.updated":
                this.onUpdated(frame.message);
                break;
            case "message.deleted":
                this.onDeleted(frame.id, frame.hidden_reason || "");
                break;
            case "ack":
                this.onAck(frame);
                break;
            case "typing":
                this.onTypingFrame(frame.room, frame.user);
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
            case "error":
                this.onError(frame);
                break;
            default:
                break;
        }
    }

    onRooms(rooms) {
        this.everConnected = true;
        this.attempt = 0;
        this.setState("open");
        for (const summary of rooms) {
            const room = this.room(summary.id);
            if (summary.id !== this.roomId) {
                // Everything up to here is counted by the `unread` frames that follow.
                room.last = Math.max(room.last, summary.last_seq);
            }
            this.onRoomUpdated(summary);
        }
        // After every (re)connect: sync every room from the last seq seen, then re-send the outbox.
        for (const id of this.rooms.keys()) {
            this.requestSync(id);
        }
        this.flushOutbox();
    }

    requestSync(id) {
        const room = this.room(id);
        if (room.syncing) {
            room.resync = true;
            return;
        }
        if (this.send({ type: "sync", room: id, after: room.last })) {
            room.syncing = true;
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
            this.settle(message.client_id);
        }
        if (room.ids.has(message.id)) {
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
            this.renderMessage(message);
            this.clearTyper(message.author.id);
        } else if (here && !counted) {
            this.showNewNote();
        }
        if (counted || own || message.deleted) {
            return;
        }
        if (here && this.live && document.visibilityState === "visible") {
            this.scheduleRead();
        } else {
            room.unread += 1;
            this.renderBadge(message.room);
        }
    }

    onAck({ client_id: clientId, id }) {
        const entry = this.outbox.get(clientId);
        this.settle(clientId);
        if (!entry) {
            return;
        }
        // The ack came; the message itself comes as `message.new`. If the channel layer lost that, sync.
        setTimeout(() => {
            if (!this.room(entry.room).ids.has(id)) {
                this.requestSync(entry.room);
            }
        }, 1500);
    }

    /** The message is stored: out of the outbox, and no longer waited for. */
    settle(clientId) {
        clearTimeout(this.inFlight.get(clientId));
        this.inFlight.delete(clientId);
        this.outbox.remove(clientId);
    }

    onError({ code, detail, client_id: clientId }) {
        const entry = clientId ? this.outbox.get(clientId) : null;
        if (entry) {
            clearTimeout(this.inFlight.get(clientId));
            this.inFlight.delete(clientId);
            if (code === "rate_limited" || code === "server_error") {
                // Kept in the outbox and tried again after the wait the server names.
                const seconds = Number((detail.match(/\d+/) || [])[0]) || (code === "rate_limited" ? 10 : 5);
                this.outbox.update(clientId, { retryAt: Date.now() + seconds * 1000 });
                this.showError(detail);
                this.scheduleFlush(seconds * 1000);
                return;
            }
            if (code === "signed_out") {
                // Kept in the outbox: re-sent once a socket opens with a valid session (the reconnect that
                // follows, or the next visit after signing in again). The close that follows says the rest.
                return;
            }
            // Refused for good (empty, too long, closed room…): the text goes back to the form.
            this.outbox.remove(clientId);
            this.log?.querySelector(`.dmsg--pending[data-client-id="${CSS.escape(clientId)}"]`)?.remove();
            if (entry.room === this.roomId && this.textarea) {
                this.textarea.value = this.textarea.value.trim()
                    ? `${this.textarea.value}\n\n${entry.body}`
                    : entry.body;
            }
            this.showError(`${detail} ${this.strings.notSent || ""}`.trim());
            return;
        }
        if (this.editing?.awaiting) {
            this.editing.awaiting = false; // the edit failed: its form stays open with the text
        }
        this.showError(detail);
    }

    onUpdated(message) {
        const article = this.article(message.id);
        if (!article) {
            return;
        }
        const body = article.querySelector(".dmsg__body");
        body.innerHTML = message.body_html; // cleaned on the server by discussions.text.clean_html
        if (message.author.id === this.userId) {
            article.dataset.source = message.body;
        }
        if (!article.querySelector(".dmsg__edited")) {
            const edited = document.createElement("span");
            edited.className = "dmsg__edited";
            edited.textContent = this.template?.content.querySelector("[data-slot='edited']")?.textContent || "";
            article.querySelector(".dmsg__meta").append(edited);
        }
        article.querySelector(".dmsg__edited").hidden = false;
        if (this.editing?.id === message.id && this.editing.awaiting) {
            this.closeEdit(true); // our own save came back (an edit from another tab leaves the form open)
        }
        if (this.room(message.room).pinned === message.id) {
            this.renderPinned(message.id);
        }
    }

    onDeleted(id, hiddenReason) {
        const article = this.article(id);
        if (!article) {
            return;
        }
        if (this.editing?.id === id) {
            this.closeEdit(false);
        }
        const actions = article.querySelector(".dmsg__actions");
        const hadFocus = actions?.contains(document.activeElement);
        actions?.remove();
        article.querySelector(".dmsg__edited")?.remove();
        article.classList.add("dmsg--removed");
        delete article.dataset.source;
        const removed = document.createElement("p");
        removed.className = "dmsg__removed";
        removed.textContent = hiddenReason
            ? fill(this.strings.hidden || "", { reason: hiddenReason })
            : this.strings.deleted || "";
        article.querySelector(".dmsg__body").replaceChildren(removed);
        if (hadFocus) {
            // Our own delete removed the focused button: keep the place rather than drop to the page's top.
            article.tabIndex = -1;
            article.focus();
        }
        if (this.roomId !== null && this.room(this.roomId).pinned === id) {
            this.renderPinned(id);
        }
    }

    onTypingFrame(roomId, user) {
        if (roomId !== this.roomId || !user || user.id === this.userId || !this.typingLine) {
            return;
        }
        clearTimeout(this.typers.get(user.id)?.timer);
        const timer = setTimeout(() => this.clearTyper(user.id), TYPING_SHOWN);
        this.typers.set(user.id, { name: user.name, timer });
        this.renderTyping();
    }

    clearTyper(userId) {
        const typer = this.typers.get(userId);
        if (typer) {
            clearTimeout(typer.timer);
            this.typers.delete(userId);
            this.renderTyping();
        }
    }

    renderTyping() {
        if (!this.typingLine) {
            return;
        }
        const names = Array.from(this.typers.values(), (typer) => typer.name);
        if (!names.length) {
            this.typingLine.textContent = "";
        } else if (names.length === 1) {
            this.typingLine.textContent = fill(this.strings.typingOne || "", { name: names[0] });
        } else {
            this.typingLine.textContent = fill(this.strings.typingMany || "", { names: names.join(", ") });
        }
    }

    renderPresence(online) {
        const section = this.root.querySelector("[data-presence]");
        const list = this.root.querySelector("[data-presence-list]");
        if (!section || !list) {
            return;
        }
        const people = [...online].sort((a, b) => a.name.localeCompare(b.name));
        list.replaceChildren(
            ...people.map((person) => {
                const item = document.createElement("li");
                item.textContent = person.name;
                return item;
            }),
        );
        section.hidden = false;
    }

    onRoomCreated(summary) {
        const room = this.room(summary.id);
        room.last = Math.max(room.last, summary.last_seq);
        const list = this.root.querySelector("[data-room-list='all'], [data-room-list='topic']");
        if (!list || list.querySelector(`[data-room-item="${Number(summary.id)}"]`)) {
            return;
        }
        const item = document.createElement("li");
        item.className = "room-list__item";
        item.dataset.roomItem = String(summary.id);
        const link = document.createElement("a");
        link.className = "room-list__link";
        link.href = `${this.roomsUrl}${Number(summary.id)}/`;
        link.textContent = summary.title;
        const badge = document.createElement("span");
        badge.className = "unread-badge";
        badge.dataset.unreadBadge = String(summary.id);
        badge.hidden = true;
        const count = document.createElement("span");
        count.className = "unread-badge__count";
        count.setAttribute("aria-hidden", "true");
        const words = document.createElement("span");
        words.className = "visually-hidden";
        badge.append(count, words);
        item.append(link, " ", badge);
        list.append(item);
        this.root.querySelector("[data-empty-topics]")?.remove();
    }

    onRoomUpdated(summary) {
        const room = this.room(summary.id);
        room.closed = summary.closed;
        if (summary.id !== this.roomId) {
            return;
        }
        const badge = this.root.querySelector("[data-closed-badge]");
        const note = this.root.querySelector("[data-closed-note]");
        if (badge) badge.hidden = !summary.closed;
        if (note) note.hidden = !summary.closed;
        // The form hides with the room closed, unless it is in use or holds text (nothing typed is lost).
        if (this.form && !this.form.contains(document.activeElement) && !this.textarea?.value.trim()) {
            this.form.hidden = summary.closed;
        }
        if (summary.pinned !== room.pinned) {
            room.pinned = summary.pinned;
            this.renderPinned(summary.pinned);
        }
    }

    renderPinned(id) {
        const section = this.root.querySelector("[data-pinned]");
        const content = this.root.querySelector("[data-pinned-content]");
        if (!section || !content) {
            return;
        }
        section.dataset.pinned = id ? String(id) : "";
        if (!id) {
            section.hidden = true;
            content.replaceChildren();
            return;
        }
        const article = this.article(id);
        if (article) {
            const meta = article.querySelector(".dmsg__meta").cloneNode(true);
            meta.querySelectorAll(".dmsg__status").forEach((element) => element.remove());
            content.replaceChildren(meta, article.querySelector(".dmsg__body").cloneNode(true));
        } else {
            const note = document.createElement("p");
            note.textContent = this.strings.pinnedElsewhere || "";
            content.replaceChildren(note);
        }
        section.hidden = false;
    }

    showNewNote() {
        const note = this.root.querySelector("[data-new-note]");
        if (!note || !note.hidden) {
            return;
        }
        const link = document.createElement("a");
        link.href = this.roomUrl;
        link.textContent = this.strings.showNewest || "";
        note.replaceChildren(`${this.strings.newMessages || ""} `, link);
        note.hidden = false;
    }

    // -- unread ----------------------------------------------------------------------------------------------

    renderBadge(id) {
        const count = this.room(id).unread;
        this.root.querySelectorAll(`[data-unread-badge="${Number(id)}"]`).forEach((badge) => {
            badge.hidden = count <= 0;
            const number = badge.querySelector(".unread-badge__count");
            const words = badge.querySelector(".visually-hidden");
            if (number) number.textContent = String(count);
            if (words) {
                words.textContent = fill(count === 1 ? this.strings.unreadOne : this.strings.unreadMany, { count });
            }
        });
    }

    scheduleRead() {
        if (this.roomId === null || !this.live) {
            return;
        }
        clearTimeout(this.readTimer);
        this.readTimer = setTimeout(() => {
            if (document.visibilityState === "visible") {
                this.send({ type: "read", room: this.roomId, message_id: this.room(this.roomId).last });
            }
        }, READ_DELAY);
    }

    // -- sending ---------------------------------------------------------------------------------------------

    onSubmit(event) {
        // Until the socket has worked once (it may be blocked), and on history pages, the form posts normally.
        const queueable = this.everConnected || navigator.onLine === false;
        if (!queueable || !this.live || this.state === "stopped") {
            return;
        }
        event.preventDefault();
        const body = this.textarea.value;
        if (!body.trim()) {
            this.showError(this.strings.empty);
            return;
        }
        if (this.room(this.roomId).closed) {
            this.showError(this.strings.closed);
            return;
        }
        const entry = {
            client_id: newClientId(),
            room: this.roomId,
            body,
            reply_to: this.replyTo,
            created: new Date().toISOString(),
        };
        this.outbox.add(entry);
        this.clearErrors();
        this.renderPending(entry);
        this.textarea.value = "";
        this.setReply(null);
        this.flushOutbox();
    }

    /** Sends every outbox message not yet sent on this socket (and not waiting out a rate limit). */
    flushOutbox() {
        if (!this.isOpen()) {
            return;
        }
        const now = Date.now();
        let nextRetry = Infinity;
        for (const entry of this.outbox.all()) {
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
            if (!this.send(frame)) {
                return;
            }
            const socket = this.socket;
            this.inFlight.set(
                entry.client_id,
                setTimeout(() => {
                    // No answer at all on an "open" socket: it is dead. Reconnecting re-sends the outbox.
                    if (socket === this.socket && this.outbox.get(entry.client_id)) {
                        this.dropSocket();
                        this.scheduleReconnect();
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
        this.flushTimer = setTimeout(() => this.flushOutbox(), Math.max(0, delay));
    }

    onTyping() {
        const now = Date.now();
        if (now - this.lastTypingSent < TYPING_INTERVAL || !this.textarea.value.trim()) {
            return;
        }
        if (this.send({ type: "typing", room: this.roomId })) {
            this.lastTypingSent = now;
        }
    }

    showError(text) {
        if (!this.errors || !text) {
            return;
        }
        const list = document.createElement("ul");
        list.className = "discussion-errors__list";
        const item = document.createElement("li");
        item.textContent = text;
        list.append(item);
        this.errors.replaceChildren(list);
    }

    clearErrors() {
        this.errors?.replaceChildren();
    }

    // -- replying, editing, deleting -------------------------------------------------------------------------

    setReply(article) {
        const box = this.root.querySelector("[data-replying]");
        const input = this.form?.elements.namedItem("reply_to");
        this.replyTo = article ? Number(article.dataset.id) : null;
        if (input) input.value = this.replyTo ? String(this.replyTo) : "";
        if (!box) {
            return;
        }
        box.hidden = !article;
        const summary = box.querySelector("[data-replying-summary]");
        if (summary) {
            summary.textContent = article
                ? `${article.querySelector(".dmsg__author").textContent}: ${excerpt(plainText(article.querySelector(".dmsg__body")))}`
                : "";
        }
    }

    onLogClick(event) {
        const link = event.target.closest("a[data-action]");
        if (!link) {
            return;
        }
        const article = link.closest("article[data-id]");
        if (link.dataset.action === "reply" && article && this.form && !this.form.hidden) {
            event.preventDefault();
            this.setReply(article);
            this.textarea.focus();
        } else if (link.dataset.action === "edit" && article && this.isOpen()) {
            event.preventDefault();
            this.startEdit(article, link);
        }
    }

    onLogSubmit(event) {
        const form = event.target.closest("form[data-action]");
        if (!form) {
            return;
        }
        if (form.dataset.action === "delete") {
            if (!window.confirm(this.strings.confirmDelete)) {
                event.preventDefault();
                return;
            }
            const article = form.closest("article[data-id]");
            if (this.isOpen() && article) {
                event.preventDefault();
                this.send({ type: "message.delete", id: Number(article.dataset.id) });
            }
        }
    }

    startEdit(article, link) {
        if (this.editing) {
            if (this.editing.article === article) {
                this.editing.form.querySelector("textarea").focus();
                return;
            }
            this.closeEdit(false);
        }
        const id = Number(article.dataset.id);
        const body = article.querySelector(".dmsg__body");
        const form = document.createElement("form");
        form.className = "dmsg__edit";
        const label = document.createElement("label");
        label.htmlFor = `muokkaa-${id}`;
        label.textContent = this.strings.editLabel;
        const textarea = document.createElement("textarea");
        textarea.id = `muokkaa-${id}`;
        textarea.rows = 4;
        textarea.value = article.dataset.source || body.textContent.trim();
        const actions = document.createElement("div");
        actions.className = "discussion-form__actions";
        const save = document.createElement("button");
        save.type = "submit";
        save.className = "button";
        save.textContent = this.strings.save;
        const cancel = document.createElement("button");
        cancel.type = "button";
        cancel.className = "button button--secondary";
        cancel.textContent = this.strings.cancel;
        actions.append(save, cancel);
        form.append(label, textarea, actions);
        body.hidden = true;
        body.after(form);
        this.editing = { id, article, form, link, awaiting: false };
        cancel.addEventListener("click", () => this.closeEdit(true));
        textarea.addEventListener("keydown", (event) => {
            if (event.key === "Escape") {
                event.preventDefault();
                this.closeEdit(true);
            }
        });
        form.addEventListener("submit", (event) => {
            event.preventDefault();
            if (this.send({ type: "message.edit", id, body: textarea.value })) {
                this.editing.awaiting = true; // closed when our `message.updated` arrives
                this.clearErrors();
            } else {
                window.location.assign(link.href); // no connection: the edit page works without it
            }
        });
        textarea.focus();
    }

    closeEdit(returnFocus) {
        const editing = this.editing;
        if (!editing) {
            return;
        }
        this.editing = null;
        const hadFocus = editing.form.contains(document.activeElement);
        editing.form.remove();
        editing.article.querySelector(".dmsg__body").hidden = false;
        if (returnFocus && hadFocus && editing.link.isConnected) {
            editing.link.focus();
        }
    }

    // -- rendering messages ----------------------------------------------------------------------------------

    article(id) {
        return this.log?.querySelector(`article[data-id="${Number(id)}"]`) || null;
    }

    build({ id, authorId, authorName, created, pending }) {
        const article = this.template.content.firstElementChild.cloneNode(true);
        const own = authorId === this.userId;
        const time = created ? new Date(created) : new Date();
        const timeText = formatTime(time);
        article.classList.toggle("dmsg--own", own);
        article.dataset.author = String(authorId);
        const slot = (name) => article.querySelector(`[data-slot='${name}']`);
        slot("author").textContent = authorName;
        slot("time").dateTime = time.toISOString();
        slot("time").textContent = timeText;
        if (pending) {
            article.classList.add("dmsg--pending");
            slot("permalink").removeAttribute("href");
            slot("status").textContent = this.strings.sending;
            slot("status").hidden = false;
            slot("actions").remove();
            return article;
        }
        article.id = `viesti-${id}`;
        article.dataset.id = String(id);
        slot("permalink").href = `#viesti-${id}`;
        const base = `${this.roomUrl}viesti/${id}/`;
        article.querySelectorAll(own ? "[data-others-only]" : "[data-own-only]").forEach((element) => element.remove());
        article.querySelector("[data-action='reply']").href = `?vastaa=${id}#viesti-lomake`;
        const edit = article.querySelector("[data-action='edit']");
        if (edit) edit.href = `${base}muokkaa/`;
        const remove = article.querySelector("[data-action='delete']");
        if (remove) remove.action = `${base}poista/`;
        const hide = article.querySelector("[data-action='hide']");
        if (hide) hide.href = `${base}piilota/`;
        const pin = article.querySelector("[data-action='pin'] input[name='message']");
        if (pin) pin.value = String(id);
        article.querySelectorAll("[data-slot='reply-context']").forEach((element) => {
            element.textContent = ` ${fill(this.strings.replyContext || "", { name: authorName, time: timeText })}`;
        });
        article.querySelectorAll("[data-slot='time-context']").forEach((element) => {
            element.textContent = ` ${timeText}`;
        });
        article.querySelectorAll("[data-slot='author-context']").forEach((element) => {
            element.textContent = ` ${authorName}, ${timeText}`;
        });
        return article;
    }

    renderPending(entry) {
        if (!this.log || !this.template) {
            return;
        }
        const article = this.build({
            authorId: this.userId,
            authorName: this.root.dataset.userName || "",
            created: entry.created,
            pending: true,
        });
        article.dataset.clientId = entry.client_id;
        const paragraph = document.createElement("p");
        paragraph.className = "dmsg__plain";
        paragraph.textContent = entry.body; // shown as typed until the server's rendering arrives
        article.querySelector(".dmsg__body").append(paragraph);
        this.log.querySelector("[data-empty-log]")?.remove();
        this.log.append(article);
    }

    renderMessage(message) {
        if (!this.log || !this.template || this.article(message.id)) {
            return;
        }
        const article = this.build({
            id: message.id,
            authorId: message.author.id,
            authorName: message.author.name,
            created: message.created,
        });
        article.dataset.seq = String(message.seq);
        if (message.author.id === this.userId) {
            article.dataset.clientId = message.client_id;
            article.dataset.source = message.body;
        }
        if (message.edited) {
            article.querySelector("[data-slot='edited']").hidden = false;
        }
        if (message.reply_to) {
            this.renderReplyLine(article.querySelector("[data-slot='reply']"), message.reply_to);
        }
        article.querySelector(".dmsg__body").innerHTML = message.body_html; // cleaned by the server
        if (message.author.id === this.userId && message.client_id) {
            this.log.querySelector(`.dmsg--pending[data-client-id="${CSS.escape(message.client_id)}"]`)?.remove();
        }
        this.log.querySelector("[data-empty-log]")?.remove();
        this.insertBySeq(article, message.seq);
        if (message.deleted) {
            this.onDeleted(message.id, message.hidden_reason || "");
        }
    }

    renderReplyLine(line, replyTo) {
        const target = this.article(replyTo);
        line.hidden = false;
        if (!target) {
            line.textContent = this.strings.replyUnknown || "";
            return;
        }
        const link = document.createElement("a");
        link.href = `#viesti-${Number(replyTo)}`;
        const label = document.createElement("span");
        label.className = "dmsg__reply-label";
        label.textContent = this.strings.replyLabel || "";
        const author = target.querySelector(".dmsg__author").textContent;
        link.append(label, ` ${author}: ${excerpt(plainText(target.querySelector(".dmsg__body")))}`);
        line.append(link);
    }

    /** Messages stay in seq order whatever order they arrive in; pending ones stay last. */
    insertBySeq(article, seq) {
        const placed = Array.from(this.log.querySelectorAll("article[data-seq]"));
        for (let index = placed.length - 1; index >= 0; index -= 1) {
            if (Number(placed[index].dataset.seq) < seq) {
                placed[index].after(article);
                return;
            }
        }
        if (placed.length) {
            placed[0].before(article);
        } else {
            this.log.prepend(article);
        }
    }
}

const root = document.querySelector("[data-discussion]");
if (root && "WebSocket" in window) {
    new DiscussionClient(root);
}
