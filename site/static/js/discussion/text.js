/* Small text helpers of the discussion client: times, ids, the translated strings' placeholders, excerpts. */

const EXCERPT_LENGTH = 80;

/** The server's format (templates/discussions/message.html: "j.n.Y H.i"), in the browser's time zone. */
export function formatTime(date) {
    const pad = (number) => String(number).padStart(2, "0");
    return `${date.getDate()}.${date.getMonth() + 1}.${date.getFullYear()} ${pad(date.getHours())}.${pad(date.getMinutes())}`;
}

export function newClientId() {
    if (crypto.randomUUID) {
        return crypto.randomUUID();
    }
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Fills {name}-style placeholders of a translated string (templates/discussions/strings.html). */
export function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (match, key) => (key in values ? String(values[key]) : match));
}

/** A message body as read: list items and paragraphs apart, without markup. */
export function plainText(element) {
    return element.innerText || element.textContent;
}

export function excerpt(text) {
    const flat = text.replace(/\s+/g, " ").trim();
    return flat.length <= EXCERPT_LENGTH ? flat : `${flat.slice(0, EXCERPT_LENGTH - 1)}…`;
}
