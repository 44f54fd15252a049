"""Default settings. Overridden by instance/config.py, then by PLM_* environment variables."""

from datetime import timedelta

# SQLite in the instance folder unless PLM_SQLALCHEMY_DATABASE_URI says otherwise;
# create_app() fills in the absolute path.
SQLALCHEMY_DATABASE_URI = None
# PostgreSQL: a pooled connection idle longer than this is pinged before use (see plm.ping_idle_connections).
DATABASE_PING_AFTER_IDLE_SECONDS = 2.0
SQLALCHEMY_ENGINE_OPTIONS: dict = {}

# No default: a missing key outside debug/testing stops the app at start-up.
SECRET_KEY = None

# werkzeug's password hash, "method:param:param" (generate_password_hash). The default is werkzeug's
# scrypt (n=32768, r=8, p=1: about 90 ms a hash on a small server, which is what slows a guesser down).
# The test suite uses a cheaper cost; a stored hash keeps the method it was made with.
PASSWORD_HASH_METHOD = "scrypt"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 14
# "Keep me logged in" lasts this long (Flask-Login's default is a year). Logout, a password change and
# disabling the account end it earlier (the user's session generation is part of the cookie).
REMEMBER_COOKIE_DURATION = timedelta(days=14)

WTF_CSRF_TIME_LIMIT = None  # forms stay valid while a participant types slowly on a phone

BABEL_DEFAULT_LOCALE = "id"
BABEL_DEFAULT_TIMEZONE = "Asia/Makassar"
LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}

RATELIMIT_STORAGE_URI = "memory://"
RATELIMIT_HEADERS_ENABLED = True
LOGIN_RATE_LIMIT = "10 per minute"
# Registration limits count what identifies abuse, not a delegation registering from one office
# network or a mobile carrier's shared (CGNAT) address: per client address, successful registrations
# only, with room for a whole provincial delegation; per email address, submissions that passed the
# form checks; and a flood ceiling on every POST from one address. A refused POST keeps what was typed.
REGISTRATION_RATE_LIMIT = "200 per hour"
REGISTRATION_EMAIL_RATE_LIMIT = "5 per hour"
REGISTRATION_FLOOD_LIMIT = "1000 per hour"
# Delegates registered through one institution's invitation link (per link, not per address: its seats
# are the real limit; this only stops a leaked link from being hammered).
DELEGATION_TOKEN_RATE_LIMIT = "120 per hour"
# "Send my link again" and e-mail changes send mail: per client address, every POST.
LINK_MAIL_RATE_LIMIT = "20 per hour"
# "Send my link again" per email address, whoever asks (on top of the per-client limit above).
RESEND_LINK_EMAIL_RATE_LIMIT = "5 per hour"

# Mail: with no MAIL_SERVER the messages stay in the outbox table, visible to admins.
MAIL_SERVER = None
MAIL_PORT = 25
MAIL_USE_TLS = False
MAIL_USE_SSL = False
MAIL_USERNAME = None
MAIL_PASSWORD = None
MAIL_DEFAULT_SENDER = "PLM <panitia@plm.example>"
# Mail is sent by a background thread in each web process, never by a request (plm/outbox.py).
# MAIL_WORKER: None = on except under TESTING; False = off (run `flask plm send-mail` from cron).
MAIL_WORKER = None
# The sender also looks for queued mail this often (rows queued by CLI commands or another process).
MAIL_POLL_SECONDS = 60

# Uploaded logos and signatures live outside the code tree.
UPLOAD_FOLDER = None  # default: <instance>/uploads
MAX_CONTENT_LENGTH = 8 * 1024 * 1024

# The public address every absolute link is built on (mails, QR codes, iCal, WhatsApp texts), e.g.
# "https://plm.example.org"; never taken from the request. No default: outside debug/testing the app
# refuses to start without it (`make run` sets one for the machine).
PUBLIC_BASE_URL = None

# The venue LAN set-up (`make venue`, /door-setup): the local CA certificate the door phones install
# (default <instance>/venue/ca.crt when it exists) and the plain-HTTP address of /door-setup that a phone
# can open before it trusts the CA.
VENUE_CA_CERT = None
VENUE_SETUP_URL = None

# Forms use PLM's catalogue for WTForms' messages (plm.forms.BaseForm), not WTForms' own.
WTF_I18N_ENABLED = False

# Behind a reverse proxy: how many proxies set X-Forwarded-* (0: trust none) ...
TRUSTED_PROXIES = 0
# ... and the addresses or networks those proxies connect from. X-Forwarded-* is read only when the
# direct peer is one of them, so a client reaching the app directly cannot choose its own address
# (for rate limits and logs). A list, or a string separated by commas or spaces.
TRUSTED_PROXY_ADDRESSES = "127.0.0.1, ::1"

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
# Fork each job's process from a warm fork server (started by a process's first job; imports done once, ~2 CPU s
# saved on every later job; the server holds ~100 MB in a web process that ran a job); False: a fresh interpreter.
JOB_FORKSERVER = True
JOB_TIMEOUT_SECONDS = 3600
# A job's child process runs at this niceness, so door check-ins win the CPU while a batch renders.
JOB_NICE = 10
# Processes a batch render may use in the job child and the CLI: 2 forks a helper that renders every
# other chunk (0.6-0.7 of the time on two cores; each process peaks at about the same RSS). 1 = one process.
DOCUMENT_RENDER_PROCESSES = 2

# The public certificate check /verify/<serial>, per client address.
VERIFY_RATE_LIMIT = "30 per minute"

# Door check-in: a scan at a day (or session) checkpoint more than this many hours outside that day, in the
# event's timezone, answers `wrong_day` unless staff send `"correction": true`. null switches the rule off.
CHECKIN_DAY_MARGIN_HOURS = 3

# Daftar hadir PDFs downloaded from the web render in a child process at JOB_NICE (the request thread
# waits with the GIL free for the door). None = on except under TESTING.
ATTENDANCE_RENDER_CHILD = None
ATTENDANCE_RENDER_TIMEOUT = 300
# The funders' report PDF (plm/reports) likewise.
REPORT_RENDER_CHILD = None
REPORT_RENDER_TIMEOUT = 300
# The hotel's rooming list PDF (plm/lodging) likewise: 350 people over four nights is some 40 pages.
LODGING_RENDER_CHILD = None
LODGING_RENDER_TIMEOUT = 300
