// The Wagtail admin without inline scripts (ADMIN_CONTENT_SECURITY_POLICY, core/admin_csp.py). Where Wagtail
// starts a date picker, an inline panel or a chooser with an inline <script>, a hidden marker says what to
// start instead; this starts every marker in the page once it is parsed, and every marker that arrives later
// (a new inline form, a modal, a refreshed listing).
(() => {
  "use strict";

  const target = (marker) => marker.dataset.adminTarget;
  const options = (marker) => JSON.parse(marker.dataset.adminOptions);
  const chooser = (name) => (marker) => new window[name](target(marker), options(marker));
  const starters = {
    initDateChooser: (marker) => window.initDateChooser(target(marker), options(marker)),
    initTimeChooser: (marker) => window.initTimeChooser(target(marker), options(marker)),
    initDateTimeChooser: (marker) => window.initDateTimeChooser(target(marker), options(marker)),
    InlinePanel: (marker) => new window.InlinePanel(options(marker)),
    MultipleChooserPanel: (marker) => new window.MultipleChooserPanel(options(marker)),
    createTaskChooser: (marker) => window.createTaskChooser(target(marker)),
    Chooser: chooser("Chooser"),
    PageChooser: chooser("PageChooser"),
    DocumentChooser: chooser("DocumentChooser"),
    ImageChooser: chooser("ImageChooser"),
    SnippetChooser: chooser("SnippetChooser"),
  };

  const start = (root) => {
    const markers = root.matches?.("[data-admin-start]") ? [root] : [];
    markers.push(...(root.querySelectorAll?.("[data-admin-start]") ?? []));
    for (const marker of markers) {
      const starter = starters[marker.dataset.adminStart];
      if (starter && !marker.dataset.adminStarted) {
        marker.dataset.adminStarted = "true";
        starter(marker);
      }
    }
  };

  document.addEventListener("DOMContentLoaded", () => {
    start(document);
    new MutationObserver((mutations) => {
      for (const mutation of mutations) mutation.addedNodes.forEach(start);
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
