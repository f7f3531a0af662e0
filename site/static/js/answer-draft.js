/*
 * Verkostamo – a task's answer box keeps what is typed as the person's draft on the server
 * (workshops.views.tasks.draft, docs/workshops.md "Answer drafts"): saved a second after typing stops, and at
 * once when the box loses focus or the page is hidden or left. The server puts the draft back into the form
 * when the task is opened again, on any device, until the answer is saved (which deletes it). A page coming
 * back into view fetches the draft again, so a draft written meanwhile on another device shows here too
 * unless something has been typed here since. Without JavaScript the form works as before.
 */

const SAVE_DELAY = 1000; // ms after the last key

class AnswerDraft {
    constructor(form) {
        this.form = form;
        this.url = form.dataset.answerDraft;
        this.textarea = form.elements.namedItem("text");
        this.token = form.elements.namedItem("csrfmiddlewaretoken")?.value || "";
        this.status = form.querySelector("[data-draft-status]");
        this.saved = this.textarea.value; // what the server is known to hold (the draft or the answer)
        this.dirty = false; // typed here and not yet stored
        this.timer = null;
        this.submitted = false;
    }

    listen() {
        this.textarea.addEventListener("input", () => {
            this.dirty = true;
            clearTimeout(this.timer);
            this.timer = setTimeout(() => this.save(), SAVE_DELAY);
        });
        this.textarea.addEventListener("blur", (event) => {
            // To the form's own button: the answer is about to carry the text, and saving it deletes the draft.
            if (!(event.relatedTarget?.type === "submit" && event.relatedTarget.form === this.form)) {
                this.save();
            }
        });
        window.addEventListener("pagehide", () => this.save(true));
        window.addEventListener("online", () => this.save());
        document.addEventListener("visibilitychange", () => {
            if (document.visibilityState === "hidden") {
                this.save(true);
            } else {
                this.refresh();
            }
        });
        this.form.addEventListener("submit", () => {
            // The answer carries the text; saving it deletes the draft on the server.
            clearTimeout(this.timer);
            this.dirty = false;
            this.submitted = true;
        });
    }

    /** Stores the box's text if it changed; `leaving`: the page is being hidden or left, and the request must
     * outlive it (keepalive, whose body browsers limit to 64 KiB: enough for most answers, and the second
     * before already stored the rest). */
    async save(leaving = false) {
        clearTimeout(this.timer);
        this.timer = null;
        if (!this.dirty || this.submitted) {
            return;
        }
        const text = this.textarea.value;
        this.dirty = false;
        const body = new FormData();
        body.append("text", text);
        let response;
        try {
            response = await fetch(this.url, {
                method: "POST",
                body,
                headers: { "X-CSRFToken": this.token },
                credentials: "same-origin",
                keepalive: leaving,
            });
        } catch {
            this.dirty = true; // tried again when the connection returns, or at the next key or blur
            this.show(this.form.dataset.draftOffline, true);
            return;
        }
        if (response.ok) {
            this.saved = text;
            this.show(this.form.dataset.draftSaved, false);
            return;
        }
        let detail = "";
        try {
            detail = (await response.json()).detail || "";
        } catch {
            // Not our JSON (a sign-in page after the session ended): the status says enough.
        }
        this.show(`${this.form.dataset.draftFailed} ${detail}`.trim(), true);
    }

    /** The page is in view again: a draft saved meanwhile elsewhere replaces the box, unless typed in here. */
    async refresh() {
        if (this.dirty || this.submitted || this.textarea.value !== this.saved) {
            return;
        }
        try {
            const response = await fetch(this.url, { credentials: "same-origin", cache: "no-store" });
            if (!response.ok) {
                return;
            }
            const { text } = await response.json();
            if (text && text !== this.saved && !this.dirty && this.textarea.value === this.saved) {
                this.textarea.value = text;
                this.saved = text;
            }
        } catch {
            // Offline: the box stays as it is.
        }
    }

    show(text, problem) {
        if (!this.status) {
            return;
        }
        this.status.textContent = text || "";
        if (problem) {
            this.status.setAttribute("role", "alert");
        } else {
            this.status.removeAttribute("role");
        }
    }
}

const form = document.querySelector("form[data-answer-draft]");
if (form?.elements.namedItem("text")) {
    new AnswerDraft(form).listen();
}
