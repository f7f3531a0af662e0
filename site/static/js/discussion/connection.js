/*
 * The discussion's websocket and its states (shown in root[data-state] by the rendering):
 *
 *   connecting → open             the server's `rooms` frame arrived (`opened()`)
 *   open → reconnecting           the socket closed: retry after 1 s, 2 s, 4 s … at most 30 s, with jitter
 *   open → reconnecting (1012)    the server is restarting: retry at once, within RESTART_JITTER (spreads the
 *                                 wave of everyone reconnecting over the processes that remain)
 *   any → offline                 the browser says it is offline: no attempts until its `online` event
 *   any → stopped                 closed with 4401 (sign in again) or 4403 (no longer a member): no retries
 *   open → reconnecting (4401)    except once at once: the socket's session ended, yet the browser may hold a
 *                                 newer one (a password change gives the session a new key); the handshake
 *                                 decides, and a 4401 there stops
 */

const BACKOFF_MIN = 1000;
const BACKOFF_MAX = 30000;
const RESTART_JITTER = 1000;
const CLOSE_SERVICE_RESTART = 1012;

export class Connection {
    /**
     * `path`: the socket's path, /ws/networks/<slug>/. `on`: what the client does when a frame arrives
     * (`frame(text)`), the state changes (`state(state, unchanged)`), the connection stops for good
     * (`stopped(reason)`: "signIn" or "notMember") and a socket is given up (`forget()`).
     */
    constructor(path, on) {
        this.path = path;
        this.on = on;
        this.socket = null;
        this.state = "connecting";
        this.everConnected = false;
        this.attempt = 0;
        this.reconnectTimer = null;
    }

    start() {
        window.addEventListener("offline", () => {
            this.drop();
            this.setState("offline");
        });
        window.addEventListener("online", () => {
            if (this.state !== "stopped" && !this.socket) {
                this.attempt = 0;
                clearTimeout(this.reconnectTimer);
                this.connect();
            }
        });
        this.connect();
    }

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
        const socket = new WebSocket(`${scheme}://${window.location.host}${this.path}`);
        this.socket = socket;
        socket.addEventListener("message", (event) => {
            if (socket === this.socket) {
                this.on.frame(event.data);
            }
        });
        socket.addEventListener("close", (event) => {
            if (socket === this.socket) {
                this.onClose(event.code);
            }
        });
    }

    /** The server accepted us (its `rooms` frame): open, and the backoff starts over. */
    opened() {
        this.everConnected = true;
        this.attempt = 0;
        this.setState("open");
    }

    onClose(code) {
        const wasOpen = this.state === "open";
        this.forget();
        if (code === 4401 && wasOpen) {
            this.connect();
        } else if (code === 4401) {
            this.stop("signIn");
        } else if (code === 4403) {
            this.stop("notMember");
        } else if (navigator.onLine === false) {
            this.setState("offline");
        } else if (code === CLOSE_SERVICE_RESTART && wasOpen) {
            this.reconnectIn(Math.random() * RESTART_JITTER);
        } else {
            this.scheduleReconnect();
        }
    }

    forget() {
        this.socket = null;
        this.on.forget();
    }

    /** Leaves the current socket for dead (it may never send its close event) and forgets it. */
    drop() {
        const socket = this.socket;
        this.forget();
        if (socket && socket.readyState <= WebSocket.OPEN) {
            socket.close();
        }
    }

    scheduleReconnect() {
        const base = Math.min(BACKOFF_MAX, BACKOFF_MIN * 2 ** this.attempt);
        this.attempt += 1;
        this.reconnectIn(Math.min(BACKOFF_MAX, base * (0.75 + Math.random() * 0.5)));
    }

    reconnectIn(delay) {
        this.setState("reconnecting");
        clearTimeout(this.reconnectTimer);
        this.reconnectTimer = setTimeout(() => this.connect(), delay);
    }

    stop(reason) {
        clearTimeout(this.reconnectTimer);
        this.setState("stopped");
        this.on.stopped(reason);
    }

    setState(state) {
        const unchanged = state === this.state;
        this.state = state;
        this.on.state(state, unchanged);
    }

    /** Sends a frame if the socket is open; whether it did. */
    send(frame) {
        if (!this.isOpen()) {
            return false;
        }
        this.socket.send(JSON.stringify(frame));
        return true;
    }
}
