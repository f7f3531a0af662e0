"""Production's static files: whitenoise's compressed files with hashed names, ES module imports included.

The discussion client is a set of ES modules with no build step (site/static/js/discussion/). Django rewrites
`import … from "./client.js";` to the imported file's hashed name only when asked to (opt-in since Django
4.2), so each module is cached for good and changes with whatever it imports, as the entry module does.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
