/*
 * Verkostamo – the discussion's browser client: ES modules, no build step, loaded with <script type="module">
 * by the room page and the rooms page (the content security policy allows only 'self' scripts: no inline
 * script anywhere).
 *
 * Enhances the server-rendered pages (templates/discussions/room.html, rooms.html) over one websocket per
 * page, ws(s)://HOST/ws/networks/<slug>/ (docs/realtime.md describes the protocol). Without it, or while the
 * socket has never opened, the page's normal forms still work. The modules, in discussion/:
 *
 *   client.js       the protocol: frames from the server, each room's seq, sync, acks and errors, read markers
 *   connection.js   the websocket and its states: connecting, open, reconnecting (backoff), offline, stopped
 *   outbox.js       unacknowledged messages in localStorage, (re)sent with their client_id until acked
 *   render.js       what is shown: messages, typing, presence, unread counts, rooms, the pinned message
 *   composer.js     what the person writes: the form, typing hints, replies, editing and deleting in place
 *   draft.js        the message box's draft, kept on the server: back after a reload, a reconnect, on another device
 *   mentions.js     "@" and a name offers the network's members (the combobox pattern on the message box)
 *   attention.js    the room's control: follow, mute or as the network, and the rooms' "hiljennetty" marks
 *   text.js         small helpers: times, client ids, the translated strings' placeholders, excerpts
 */

import { DiscussionClient } from "./discussion/client.js";

const root = document.querySelector("[data-discussion]");
if (root && "WebSocket" in window) {
    new DiscussionClient(root);
}

// Phone first: on a narrow screen the compose section sticks to the bottom of the screen (discussion.css);
// the page opens with the room's newest message just above it, unless the address names a message.
function showNewestAboveComposer() {
    const log = root?.querySelector("[data-log]");
    const compose = root?.querySelector(".discussion__compose");
    if (!log || !compose || window.location.hash || !window.matchMedia("(max-width: 47.99em)").matches) {
        return;
    }
    const overlap = log.parentElement.getBoundingClientRect().bottom - compose.getBoundingClientRect().top;
    if (overlap > 0) {
        window.scrollBy({ top: overlap + 8, behavior: "instant" });
    }
}

showNewestAboveComposer();
