/*
 * Writing: the message form (queued in the outbox once the socket has worked), its draft kept on the server
 * (draft.js), typing hints, replying, editing and deleting one's own messages in place, and reporting someone
 * else's message to the facilitators. Until the socket has opened once (it may be blocked),
 * and on history pages, the form posts normally; without a connection, editing falls back to the edit page.
 */

import { Draft } from "./draft.js";
import { MentionPicker } from "./mentions.js";
import { excerpt, newClientId, plainText } from "./text.js";

const TYPING_INTERVAL = 3000; // ms between our typing frames

export class Composer {
    constructor(client) {
        this.client = client;
        this.root = client.root;
        this.strings = client.strings;
        this.form = this.root.querySelector("[data-compose]");
        this.textarea = this.form?.querySelector("textarea") || null;
        this.draft = this.textarea && client.roomId !== null ? new Draft(client, this.textarea) : null;
        this.errors = this.root.querySelector("[data-errors]");
        this.replyTo = Number(this.form?.elements.namedItem("reply_to")?.value) || null; // from ?vastaa=<id>
        this.editing = null; // {id, article, form, link, awaiting}
        this.reporting = null; // {id, article, form, link, awaiting}
        this.lastTypingSent = 0;
    }

    listen(log) {
        const members = document.getElementById("discussion-members");
        if (this.textarea && members) {
            // Before the keys below: Enter with the list open chooses a person.
            this.mentions = new MentionPicker(this.textarea, JSON.parse(members.textContent), this.strings);
        }
        this.form?.addEventListener("submit", (event) => this.onSubmit(event));
        this.textarea?.addEventListener("keydown", (event) => {
            if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
                event.preventDefault();
                this.form.requestSubmit();
            }
        });
        this.textarea?.addEventListener("input", () => this.onTyping());
        this.draft?.listen();
        this.root.querySelector("[data-action='cancel-reply']")?.addEventListener("click", (event) => {
            event.preventDefault();
            this.setReply(null);
            this.textarea?.focus();
        });
        log.addEventListener("click", (event) => this.onLogClick(event));
        log.addEventListener("submit", (event) => this.onLogSubmit(event));
    }

    // -- sending ---------------------------------------------------------------------------------------------

    onSubmit(event) {
        const { client } = this;
        const connection = client.connection;
        const queueable = connection.everConnected || navigator.onLine === false;
        if (!queueable || !client.live || connection.state === "stopped") {
            return;
        }
        event.preventDefault();
        const body = this.textarea.value;
        if (!body.trim()) {
            this.showError(this.strings.empty);
            return;
        }
        if (client.room(client.roomId).closed) {
            this.showError(this.strings.closed);
            return;
        }
        const entry = {
            client_id: newClientId(),
            room: client.roomId,
            body,
            reply_to: this.replyTo,
            created: new Date().toISOString(),
        };
        client.outbox.add(entry);
        this.clearErrors();
        client.view.renderPending(entry);
        this.textarea.value = "";
        this.draft?.sent();
        this.setReply(null);
        client.outbox.flush();
    }

    onTyping() {
        const now = Date.now();
        if (now - this.lastTypingSent < TYPING_INTERVAL || !this.textarea.value.trim()) {
            return;
        }
        if (this.client.connection.send({ type: "typing", room: this.client.roomId })) {
            this.lastTypingSent = now;
        }
    }

    /** A message refused for good comes back into the form, after whatever is being written. */
    restore(body) {
        if (!this.textarea) {
            return;
        }
        this.textarea.value = this.textarea.value.trim() ? `${this.textarea.value}\n\n${body}` : body;
        this.draft?.typed(); // the server deleted nothing (the message was refused): the draft is this text now
    }

    /** The room was closed or opened: the form hides with it closed, unless it is in use or holds text (nothing
     * typed is lost). */
    roomClosed(closed) {
        if (this.form && !this.form.contains(document.activeElement) && !this.textarea?.value.trim()) {
            this.form.hidden = closed;
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
        } else if (link.dataset.action === "edit" && article && this.client.connection.isOpen()) {
            event.preventDefault();
            this.startEdit(article, link);
        } else if (link.dataset.action === "report" && article && this.client.connection.isOpen()) {
            event.preventDefault();
            this.startReport(article, link);
        }
    }

    onLogSubmit(event) {
        const form = event.target.closest("form[data-action]");
        if (!form) {
            return;
        }
        if (form.dataset.action === "react") {
            const article = form.closest("article[data-id]");
            const [kind, state] = (event.submitter?.value || "").split(":");
            if (this.client.connection.isOpen() && article && kind) {
                event.preventDefault();
                this.client.connection.send({ type: "message.react", id: Number(article.dataset.id), kind, on: state === "on" });
                form.querySelector("details")?.removeAttribute("open");
            }
            return;
        }
        if (form.dataset.action === "delete") {
            if (!window.confirm(this.strings.confirmDelete)) {
                event.preventDefault();
                return;
            }
            const article = form.closest("article[data-id]");
            if (this.client.connection.isOpen() && article) {
                event.preventDefault();
                this.client.connection.send({ type: "message.delete", id: Number(article.dataset.id) });
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
            if (this.client.connection.send({ type: "message.edit", id, body: textarea.value })) {
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

    /** A `message.updated` arrived: our own save came back (an edit from another tab leaves the form open). */
    updated(id) {
        if (this.editing?.id === id && this.editing.awaiting) {
            this.closeEdit(true);
        }
    }

    /** A `message.deleted` arrived: an edit or a report of that message ends. */
    deleted(id) {
        if (this.editing?.id === id) {
            this.closeEdit(false);
        }
        if (this.reporting?.id === id) {
            this.closeReport(false);
        }
    }

    /** An error frame without a client_id: a pending edit failed, and its form stays open with the text; a
     * pending report shows the refusal in its own form (then true: it is said there, not above the composer). */
    refused(detail) {
        if (this.editing?.awaiting) {
            this.editing.awaiting = false;
        }
        if (this.reporting?.awaiting) {
            this.reporting.awaiting = false;
            this.showReportError(detail);
            return true;
        }
        return false;
    }

    // -- reporting -------------------------------------------------------------------------------------------

    /** The report form in place, from the page's <template> (its words and reasons translated by the server). */
    startReport(article, link) {
        const template = document.getElementById("discussion-report-template");
        if (!template) {
            window.location.assign(link.href);
            return;
        }
        if (this.reporting) {
            const same = this.reporting.article === article;
            this.closeReport(false);
            if (same) {
                return;
            }
        }
        const id = Number(article.dataset.id);
        const form = template.content.firstElementChild.cloneNode(true);
        for (const label of form.querySelectorAll("[data-report-label]")) {
            const field = form.elements.namedItem(label.dataset.reportLabel);
            field.id = `ilmoita-${id}-${label.dataset.reportLabel}`;
            label.htmlFor = field.id;
        }
        (article.querySelector(".dmsg__actions") || article).after(form);
        this.reporting = { id, article, form, link, awaiting: false };
        form.querySelector("[data-report-cancel]").addEventListener("click", () => this.closeReport(true));
        form.addEventListener("keydown", (event) => {
            if (event.key === "Escape") {
                event.preventDefault();
                this.closeReport(true);
            }
        });
        form.addEventListener("submit", (event) => {
            event.preventDefault();
            const reason = form.elements.namedItem("reason").value;
            if (!reason) {
                this.showReportError(this.strings.reportReason);
                return;
            }
            const text = form.elements.namedItem("text").value;
            if (this.client.connection.send({ type: "report", message: id, reason, text })) {
                this.reporting.awaiting = true; // closed when `report.received` (or an error) arrives
            } else {
                window.location.assign(link.href); // no connection: the report page works without it
            }
        });
        form.elements.namedItem("reason").focus();
    }

    showReportError(text) {
        const box = this.reporting?.form.querySelector("[data-report-errors]");
        if (!box || !text) {
            return;
        }
        const item = document.createElement("p");
        item.textContent = text;
        box.replaceChildren(item);
    }

    closeReport(returnFocus) {
        const reporting = this.reporting;
        if (!reporting) {
            return;
        }
        this.reporting = null;
        reporting.form.remove();
        if (returnFocus && reporting.link.isConnected) {
            reporting.link.focus();
        }
    }

    /** `report.received`: the form gives way to a thank-you, and the message's report link goes (once is enough). */
    reported(id) {
        const reporting = this.reporting;
        if (!reporting || reporting.id !== id) {
            return;
        }
        this.reporting = null;
        const thanks = document.createElement("p");
        thanks.className = "dmsg__report-done";
        thanks.setAttribute("role", "status");
        thanks.textContent = this.strings.reported || "";
        reporting.form.replaceWith(thanks);
        reporting.link.remove();
    }
}
