/*
 * Mention autocomplete: typing "@" and the start of a name in the message box offers the network's members.
 *
 * The text box keeps its role and gets the combobox pattern's attributes (ARIA 1.2: aria-autocomplete="list",
 * aria-controls naming the listbox, aria-activedescendant for the highlighted option; a multi-line text box
 * cannot take role="combobox"). Arrow keys move in the list, Enter or Tab inserts "@etunimi.sukunimi ", Escape
 * closes it; a live region says how many people match. The members come from the page
 * (<script type="application/json" id="discussion-members">, discussions.queries.mentionable_people).
 */

import { fill } from "./text.js";

const SHOWN = 8;
const TOKEN = /(?:^|\s)@([\p{L}\p{N}._-]*)$/u;

export class MentionPicker {
    constructor(textarea, members, strings) {
        this.textarea = textarea;
        this.members = members.map((member) => ({ ...member, words: `${member.handle} ${member.name}`.toLowerCase() }));
        this.strings = strings;
        this.options = [];
        this.active = -1;
        this.start = -1; // where the "@" is in the text
        this.list = document.createElement("ul");
        this.list.id = `${textarea.id}-mentions`;
        this.list.className = "mention-list";
        this.list.setAttribute("role", "listbox");
        this.list.setAttribute("aria-label", strings.mentionList || "");
        this.list.hidden = true;
        this.status = document.createElement("p");
        this.status.className = "visually-hidden";
        this.status.setAttribute("role", "status");
        textarea.after(this.list, this.status);
        textarea.setAttribute("aria-autocomplete", "list");
        textarea.setAttribute("aria-controls", this.list.id);
        textarea.addEventListener("input", () => this.update());
        textarea.addEventListener("keydown", (event) => this.onKey(event));
        textarea.addEventListener("blur", () => setTimeout(() => this.close(), 150));
        this.list.addEventListener("mousedown", (event) => event.preventDefault()); // keep the focus in the box
        this.list.addEventListener("click", (event) => {
            const option = event.target.closest("[role='option']");
            if (option) {
                this.choose(Number(option.dataset.index));
            }
        });
    }

    get isOpen() {
        return !this.list.hidden;
    }

    update() {
        const before = this.textarea.value.slice(0, this.textarea.selectionStart);
        const match = TOKEN.exec(before);
        if (!match) {
            this.close();
            return;
        }
        const typed = match[1].toLowerCase();
        this.start = before.length - match[1].length - 1;
        this.options = this.members
            .filter((member) => !typed || member.words.split(/[\s.-]/).some((word) => word.startsWith(typed)) || member.handle.startsWith(typed))
            .slice(0, SHOWN);
        if (!this.options.length) {
            this.close();
            this.status.textContent = this.strings.mentionNone || "";
            return;
        }
        this.active = 0;
        this.render();
    }

    render() {
        this.list.replaceChildren(
            ...this.options.map((member, index) => {
                const item = document.createElement("li");
                item.id = `${this.list.id}-${index}`;
                item.className = "mention-list__option";
                item.setAttribute("role", "option");
                item.setAttribute("aria-selected", String(index === this.active));
                item.dataset.index = String(index);
                const handle = document.createElement("span");
                handle.className = "mention-list__handle";
                handle.textContent = `@${member.handle}`;
                item.append(`${member.name} `, handle);
                return item;
            }),
        );
        this.list.hidden = false;
        this.textarea.setAttribute("aria-activedescendant", `${this.list.id}-${this.active}`);
        const count = this.options.length;
        this.status.textContent = fill(count === 1 ? this.strings.mentionOne : this.strings.mentionMany, { count });
    }

    onKey(event) {
        if (!this.isOpen) {
            return;
        }
        if (event.key === "ArrowDown" || event.key === "ArrowUp") {
            event.preventDefault();
            const step = event.key === "ArrowDown" ? 1 : -1;
            this.active = (this.active + step + this.options.length) % this.options.length;
            this.render();
        } else if ((event.key === "Enter" && !event.ctrlKey && !event.metaKey) || event.key === "Tab") {
            event.preventDefault();
            event.stopImmediatePropagation();
            this.choose(this.active);
        } else if (event.key === "Escape") {
            event.preventDefault();
            this.close();
        }
    }

    choose(index) {
        const member = this.options[index];
        if (!member) {
            return;
        }
        const { value, selectionStart } = this.textarea;
        const inserted = `@${member.handle} `;
        this.textarea.value = value.slice(0, this.start) + inserted + value.slice(selectionStart);
        const caret = this.start + inserted.length;
        this.textarea.setSelectionRange(caret, caret);
        this.close();
        this.textarea.focus();
    }

    close() {
        this.list.hidden = true;
        this.list.replaceChildren();
        this.options = [];
        this.active = -1;
        this.textarea.removeAttribute("aria-activedescendant");
    }
}
