/*
 * The room's control: follow the room, mute it, or leave it to the network's choice. Without a connection the
 * form posts as it is (…/keskustelu/<room>/seuranta/); once the socket has opened, the choice goes as an
 * `attention` frame, and the server's `attention` frame — sent to every socket of the person, so another tab
 * follows too — sets the control and the "hiljennetty" marks of the room lists ([data-room-muted]). A refusal comes
 * back as an `error` frame with the control's client id, and its sentence is shown next to the control.
 */

import { newClientId } from "./text.js";

const CLIENT_ID_PREFIX = "attention-";

export class AttentionControl {
    constructor(client) {
        this.client = client;
        this.root = client.root;
        this.strings = client.strings;
        this.form = this.root.querySelector("[data-attention]");
        this.status = this.form?.querySelector("[data-attention-status]") || null;
        this.networkMuted = this.root.dataset.networkMuted === "true";
    }

    listen() {
        this.form?.addEventListener("submit", (event) => this.onSubmit(event));
    }

    onSubmit(event) {
        const { connection, roomId } = this.client;
        const level = this.form.elements.namedItem("level")?.value;
        if (!connection.isOpen() || !level) {
            return; // the page's own POST
        }
        event.preventDefault();
        const clientId = CLIENT_ID_PREFIX + newClientId();
        if (connection.send({ type: "attention", room: roomId, level, client_id: clientId })) {
            this.say(this.strings.attentionSaving);
        }
    }

    /** Whether an error frame answers this control (its client id). */
    static answers(clientId) {
        return typeof clientId === "string" && clientId.startsWith(CLIENT_ID_PREFIX);
    }

    refused(detail) {
        this.say(detail);
    }

    /** The server's `attention` frame: the room's level now, for this page's control and room lists. */
    show(roomId, level) {
        const muted = level === "mute" || (level === "network" && this.networkMuted);
        this.root.querySelectorAll(`[data-room-muted="${Number(roomId)}"]`).forEach((mark) => {
            mark.hidden = !muted;
        });
        if (!this.form || roomId !== this.client.roomId) {
            return;
        }
        const choice = this.form.querySelector(`input[name="level"][value="${level}"]`);
        if (choice) {
            choice.checked = true;
        }
        const said = { follow: this.strings.attentionFollow, mute: this.strings.attentionMute };
        this.say(said[level] || this.strings.attentionNetwork);
    }

    say(text) {
        if (this.status) {
            this.status.textContent = text || "";
        }
    }
}
