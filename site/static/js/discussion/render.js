/*
 * What the discussion client shows: messages (built from the page's <template>, in seq order), the state of
 * the connection, who is typing and who is online, unread counts, rooms, the pinned message.
 *
 * Only a message's `body_html` (cleaned by the server) is ever inserted as HTML; everything else is text.
 * Arriving messages never move the focus (the log is role="log" with aria-live="polite").
 */

import { excerpt, fill, formatTime, plainText } from "./text.js";

const TYPING_SHOWN = 5000; // ms a "X kirjoittaa…" stays
const GROUPING = 5 * 60 * 1000; // ms: an author's messages this close together show as one group (views.GROUPING_SECONDS)

export class View {
    constructor(root, strings) {
        const data = root.dataset;
        this.root = root;
        this.strings = strings;
        this.userId = Number(data.user);
        this.roomId = data.room ? Number(data.room) : null;
        this.roomUrl = data.roomUrl || null;
        this.roomsUrl = data.roomsUrl;
        this.log = root.querySelector("[data-log]");
        this.template = document.getElementById("discussion-message-template");
        this.status = root.querySelector("[data-status]");
        this.typingLine = root.querySelector("[data-typing]");
        this.typers = new Map(); // user id → {name, timer}
    }

    // -- the connection --------------------------------------------------------------------------------------

    showState(state, unchanged) {
        if (unchanged && this.status?.textContent) {
            return;
        }
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

    /** Stopped for good: the reason, as a link when there is somewhere to go (signing in). */
    showStopped(text, link) {
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

    // -- messages --------------------------------------------------------------------------------------------

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
            article.querySelector("[data-action='react']")?.remove();
            return article;
        }
        article.id = `viesti-${id}`;
        article.dataset.id = String(id);
        const base = `${this.roomUrl}viesti/${id}/`;
        slot("permalink").href = base; // the message's own address (discussions.views.message_link)
        article.querySelectorAll(own ? "[data-others-only]" : "[data-own-only]").forEach((element) => element.remove());
        article.querySelector("[data-action='reply']").href = `?vastaa=${id}#viesti-lomake`;
        const edit = article.querySelector("[data-action='edit']");
        if (edit) edit.href = `${base}muokkaa/`;
        const remove = article.querySelector("[data-action='delete']");
        if (remove) remove.action = `${base}poista/`;
        const hide = article.querySelector("[data-action='hide']");
        if (hide) hide.href = `${base}piilota/`;
        const report = article.querySelector("[data-action='report']");
        if (report) report.href = `${base}ilmoita/`;
        const react = article.querySelector("[data-action='react']");
        if (react) react.action = `${base}reaktio/`;
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

    /** An outbox message, shown as typed (with "lähetetään…") until the server's rendering arrives. */
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
        paragraph.textContent = entry.body;
        article.querySelector(".dmsg__body").append(paragraph);
        this.log.querySelector("[data-empty-log]")?.remove();
        this.log.append(article);
    }

    removePending(clientId) {
        this.log?.querySelector(`.dmsg--pending[data-client-id="${CSS.escape(clientId)}"]`)?.remove();
    }

    /** Shows a message the page does not have yet, in its place; whether it did. */
    renderMessage(message) {
        if (!this.log || !this.template || this.article(message.id)) {
            return false;
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
        this.markMention(article);
        this.renderReactions(article, message.reactions || []);
        if (message.author.id === this.userId && message.client_id) {
            this.removePending(message.client_id);
        }
        this.log.querySelector("[data-empty-log]")?.remove();
        this.insertBySeq(article, message.seq);
        this.arrange(article);
        return true;
    }

    /** A mention of this person links to their entry in the member list (core.text): highlighted. */
    markMention(article) {
        const mentioned = article.querySelector(`.dmsg__body a[href$="#jasen-${this.userId}"]`) !== null;
        article.classList.toggle("dmsg--mentions-me", mentioned);
    }

    /** As the page does (discussions.views.arrange): a day's heading before its first message, and a message that
     * continues its author's previous one shown without repeating the author. */
    arrange(article) {
        let previous = article.previousElementSibling;
        while (previous && !previous.matches("article[data-seq]")) {
            previous = previous.previousElementSibling;
        }
        const time = new Date(article.querySelector("time").dateTime);
        const previousTime = previous ? new Date(previous.querySelector("time").dateTime) : null;
        if (previousTime && previousTime.toDateString() !== time.toDateString()) {
            const heading = document.createElement("h3");
            heading.className = "discussion__day";
            heading.textContent = new Intl.DateTimeFormat(document.documentElement.lang || "fi", {
                weekday: "long",
                day: "numeric",
                month: "numeric",
                year: "numeric",
            }).format(time);
            article.before(heading);
            return;
        }
        const continues =
            previous !== null &&
            previousTime !== null &&
            previous.dataset.author === article.dataset.author &&
            time - previousTime <= GROUPING &&
            article.previousElementSibling === previous;
        article.classList.toggle("dmsg--continued", continues);
    }

    /** A message's reactions as buttons, as templates/discussions/reactions.html makes them. A button that had
     * the focus keeps it (its replacement is focused). */
    renderReactions(article, reactions) {
        const slot = article.querySelector("[data-slot='reactions']");
        if (!slot) {
            return;
        }
        const focused = slot.contains(document.activeElement) ? document.activeElement.value.split(":")[0] : null;
        const buttons = reactions.map((reaction) => {
            const mine = reaction.people.some((person) => person.id === this.userId);
            const names = reaction.people.map((person) => person.name).join(", ");
            const button = document.createElement("button");
            button.type = "submit";
            button.name = "reaction";
            button.value = `${reaction.kind}:${mine ? "off" : "on"}`;
            button.className = mine ? "reaction reaction--mine" : "reaction";
            button.setAttribute("aria-pressed", String(mine));
            button.title = names;
            const emoji = document.createElement("span");
            emoji.setAttribute("aria-hidden", "true");
            emoji.textContent = reaction.emoji;
            const people = document.createElement("span");
            people.className = "visually-hidden";
            people.textContent = ` (${names})`;
            button.append(emoji, ` ${reaction.people.length}`, people);
            return button;
        });
        slot.replaceChildren(...buttons);
        if (focused) {
            (buttons.find((button) => button.value.startsWith(`${focused}:`)) || article.querySelector(".reaction-picker summary"))?.focus();
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

    /** An edit: the new text and "(muokattu)". */
    renderUpdated(article, message) {
        const body = article.querySelector(".dmsg__body");
        body.innerHTML = message.body_html; // cleaned on the server by core.text.clean_html
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
    }

    /** A deletion keeps the message's place: its text and actions go, "Viesti poistettu" (or the reason) stays. */
    renderDeleted(article, hiddenReason) {
        const actions = article.querySelector(".dmsg__actions");
        const reactions = article.querySelector("[data-action='react']");
        const hadFocus = actions?.contains(document.activeElement) || reactions?.contains(document.activeElement);
        actions?.remove();
        reactions?.remove();
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

    // -- typing and presence ---------------------------------------------------------------------------------

    showTyper(roomId, user) {
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

    // -- rooms -----------------------------------------------------------------------------------------------

    renderBadge(id, count) {
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

    /** A new topic in the list of rooms (the all-rooms list of a room page, or the topics of the rooms page). */
    renderNewRoom(summary) {
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

    renderClosed(closed) {
        const badge = this.root.querySelector("[data-closed-badge]");
        const note = this.root.querySelector("[data-closed-note]");
        if (badge) badge.hidden = !closed;
        if (note) note.hidden = !closed;
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
}
