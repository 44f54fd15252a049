"""Default settings. Overridden by instance/config.py, then by PLM_* environment variables."""

# SQLite in the instance folder unless PLM_SQLALCHEMY_DATABASE_URI says otherwise;
# create_app() fills in the absolute path.
SQLALCHEMY_DATABASE_URI = None
SQLALCHEMY_ENGINE_OPTIONS: dict = {}

# No default: a missing key outside debug/testing stops the app at start-up.
SECRET_KEY = None

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 14

WTF_CSRF_TIME_LIMIT = None  # forms stay valid while a participant types slowly on a phone

BABEL_DEFAULT_LOCALE = "id"
BABEL_DEFAULT_TIMEZONE = "Asia/Makassar"
LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}

RATELIMIT_STORAGE_URI = "memory://"
RATELIMIT_HEADERS_ENABLED = True
LOGIN_RATE_LIMIT = "10 per minute"
REGISTRATION_RATE_LIMIT = "20 per hour"

# Mail: with no MAIL_SERVER the messages stay in the outbox table, visible to admins.
MAIL_SERVER = None
MAIL_PORT = 25
MAIL_USE_TLS = False
MAIL_USE_SSL = False
MAIL_USERNAME = None
MAIL_PASSWORD = None
MAIL_DEFAULT_SENDER = "PLM <panitia@plm.example>"

# Uploaded logos and signatures live outside the code tree.
UPLOAD_FOLDER = None  # default: <instance>/uploads
MAX_CONTENT_LENGTH = 8 * 1024 * 1024

# Absolute base URL for links in mails and QR codes when there is no request (CLI).
PUBLIC_BASE_URL = "http://127.0.0.1:5000"

# Forms use PLM's catalogue for WTForms' messages (plm.forms.BaseForm), not WTForms' own.
WTF_I18N_ENABLED = False

# Behind a reverse proxy: how many proxies set X-Forwarded-* (0: trust none).
TRUSTED_PROXIES = 0

# Logging: "text" or "json" (JSON lines with a request id); LOG_REQUESTS adds one line per request
# with manage tokens redacted from paths.
LOG_FORMAT = "text"
LOG_LEVEL = "INFO"
LOG_REQUESTS = False

# Batch PDFs (badges, certificates) run as Job rows claimed by a worker thread in each web process.
# JOB_WORKER: None = on except under TESTING; False = off (run `flask plm run-jobs` as its own process).
JOB_WORKER = None
JOB_FOLDER = None  # default: <UPLOAD_FOLDER>/jobs
JOB_POLL_SECONDS = 3
JOB_STALE_MINUTES = 60  # a job "running" longer than this when a worker starts is marked failed
JOB_SUBPROCESS = True  # render each job in a child process (keeps the web process's GIL free for requests)
JOB_TIMEOUT_SECONDS = 3600
# A job's child process runs at this niceness, so door check-ins win the CPU while a batch renders.
JOB_NICE = 10
# Processes a batch render may use in the job child and the CLI: 2 forks a helper that renders every
# other chunk (0.6-0.7 of the time on two cores; each process peaks at about the same RSS). 1 = one process.
DOCUMENT_RENDER_PROCESSES = 2

# The public certificate check /verify/<serial>, per client address.
VERIFY_RATE_LIMIT = "30 per minute"

# Daftar hadir PDFs downloaded from the web render in a child process at JOB_NICE (the request thread
# waits with the GIL free for the door). None = on except under TESTING.
ATTENDANCE_RENDER_CHILD = None
ATTENDANCE_RENDER_TIMEOUT = 300
