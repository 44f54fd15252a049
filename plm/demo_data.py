"""Deterministic demo data for the reference event, Peer Learning Meeting 2015 (Ungasan, Bali).

Pure Python with no Flask or SQLAlchemy, so the tables can be tested and reused on their own;
`plm.demo` turns them into database rows. Everything random goes through one `random.Random(seed)`
and never iterates a set, so the same seed always gives the same people, whatever PYTHONHASHSEED is.

Contact details are made up so they cannot reach anyone: every email domain ends in `.example`
(reserved by RFC 2606). Phone numbers are well formed but invented.
"""

from __future__ import annotations

import datetime
import json
import random
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DEMO_CONFLICT_TITLES",
    "DEMO_EVENT",
    "DEMO_ROOMS",
    "DEMO_STAFF",
    "DEMO_TRACKS",
    "DemoPerson",
    "DemoSession",
    "INSTITUTION_TYPES",
    "REGENCIES",
    "SEED_PROVINCES",
    "demo_schedule",
    "generate_participants",
    "load_provinces",
]

PROVINCES_PATH = Path(__file__).resolve().parent / "data" / "provinces.json"


def load_provinces() -> list[dict[str, str]]:
    """The 38 provinces as [{"code", "name"}] in code order, read from plm/data/provinces.json."""
    with PROVINCES_PATH.open(encoding="utf-8") as handle:
        return json.load(handle)


# ---------------------------------------------------------------------------------------------
# The event, its staff, rooms and tracks
# ---------------------------------------------------------------------------------------------

DEMO_EVENT: dict = {
    # A demo, with dates near today: the name says so, and what it is modelled on (the slug stays plm-2015).
    "name": "PLM Demo (meniru PLM 2015, Bali)",
    "slug": "plm-2015",
    "theme": (
        "Membangun Komitmen Bersama untuk Pengembangan Perpustakaan Berbasis Teknologi "
        "Informasi dan Komunikasi yang Berkelanjutan"
    ),
    "description": (
        "Pertemuan saling belajar bagi perpustakaan desa, perpustakaan umum kabupaten/kota dan provinsi, "
        "serta taman bacaan masyarakat mitra program PerpuSeru dari 16 provinsi. Diselenggarakan oleh "
        "Coca-Cola Foundation Indonesia bersama Perpustakaan Nasional RI."
    ),
    "organizer": "PerpuSeru – Coca-Cola Foundation Indonesia dan Perpustakaan Nasional RI",
    "venue": "Hotel Ungasan",
    "address": "Jl. Raya Uluwatu, Ungasan, Kuta Selatan, Badung, Bali",
    "city": "Bali",
    "timezone": "Asia/Makassar",
    "capacity": 400,
    "contact_email": "panitia@plm.example",
    "original_start": datetime.date(2015, 5, 18),
    "days": 4,
    # Certificate signatories (fictional people; the two organising institutions). No signature images:
    # an admin uploads the real ones on the certificate settings page.
    "signatories": [
        {"name": "Hendra Wijaya Kusuma", "title": "Direktur Program PerpuSeru, Coca-Cola Foundation Indonesia",
         "image": None},
        {"name": "Dr. Sri Rahayu Lestari", "title": "Deputi Pengembangan Perpustakaan, Perpustakaan Nasional RI",
         "image": None},
    ],
}

# Printed on the console by `flask plm demo`, so plain-text passwords are intended.
DEMO_STAFF: list[dict[str, str]] = [
    # No passwords here: load_demo() makes random ones and `flask plm demo` prints them once.
    {"role": "admin", "email": "admin@plm.example", "name": "Admin PLM"},
    {"role": "organizer", "email": "pintu@plm.example", "name": "Petugas Pintu Registrasi"},
    {"role": "facilitator", "email": "fasilitator@plm.example", "name": "Fasilitator PerpuSeru"},
]

# (name, colour). Colours are dark enough for white text on schedule chips.
DEMO_TRACKS: list[tuple[str, str]] = [
    ("Layanan TIK", "#1F5FAD"),
    ("Pelibatan Masyarakat", "#2E7D32"),
    ("Advokasi", "#B3261E"),
    ("Literasi", "#8A5A00"),
    ("Manajemen", "#6A3FA0"),
]

# (name, capacity, notes).
DEMO_ROOMS: list[tuple[str, int, str]] = [
    ("Ballroom Ungasan", 400, "Lantai 1 – pleno; panggung, layar utama, penerjemah isyarat"),
    ("Ruang Jimbaran", 60, "Lantai 1, sayap timur"),
    ("Ruang Uluwatu", 60, "Lantai 1, sayap timur"),
    ("Ruang Nusa Dua", 50, "Lantai 2, akses lift"),
    ("Ruang Kuta", 40, "Lantai 2, akses lift"),
    ("Ruang Sanur", 40, "Lantai 2, akses lift"),
    ("Ruang Pecatu", 30, "Lantai 2 – laboratorium komputer: 30 laptop, internet, proyektor"),
    ("Foyer Ballroom", 400, "Lantai 1 – meja registrasi dan rehat kopi"),
    ("Restoran Bukit", 400, "Lantai 1 – makan siang dan makan malam"),
]


# ---------------------------------------------------------------------------------------------
# The schedule
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DemoSession:
    """One programme item. `date` is the calendar day for the start_date given to demo_schedule()."""

    day_index: int
    start: str
    end: str
    room: str
    title: str
    kind: str  # plenary, sharing, workshop, break
    track: str | None
    capacity: int | None
    signup_required: bool
    facilitator_count: int
    description: str
    date: datetime.date | None = None


# The one deliberate double booking: both in Ruang Kuta on day 2 (day_index 1), 13:00–14:30 and
# 14:00–14:45. It is there so the conflict checker has something to find; keep it.
DEMO_CONFLICT_TITLES: tuple[str, str] = (
    "Pemantauan dan Evaluasi Kegiatan Perpustakaan",
    "Klinik Proposal: Usulan Kegiatan Perpustakaan untuk Musrenbang Desa",
)

_TIK, _MAS, _ADV, _LIT, _MAN = (name for name, _ in DEMO_TRACKS)
_BALL, _JIM, _ULU, _NUS, _KUT, _SAN, _PEC, _FOY, _RES = (name for name, _, _ in DEMO_ROOMS)

# (day_index, start, end, room, title, kind, track, capacity, signup_required, facilitators, description)
_SCHEDULE: tuple[tuple, ...] = (
    # Day 1 (Senin): arrival, registration, opening.
    (0, "12:00", "15:00", _FOY, "Registrasi Peserta dan Pengambilan Perlengkapan", "registration", None, None, False, 0,
     "Peserta melapor di meja provinsi masing-masing, menerima tanda pengenal, tas, dan kunci kamar."),
    (0, "15:00", "15:30", _FOY, "Rehat Kopi", "break", None, None, False, 0,
     "Kopi, teh, dan jajanan Bali."),
    (0, "15:30", "17:00", _BALL,
     "Pembukaan Peer Learning Meeting 2015 oleh Kepala Perpustakaan Nasional RI", "plenary", None, None, False, 2,
     "Sambutan Perpustakaan Nasional RI dan Coca-Cola Foundation Indonesia, laporan panitia, "
     "dan pemukulan gong tanda dibukanya PLM 2015."),
    (0, "17:00", "17:45", _BALL, "Orientasi: Metode Peer Learning dan Alur Kegiatan Empat Hari", "plenary",
     None, None, False, 1,
     "Cara kerja sesi berbagi, pembagian kelompok, dan aturan main selama pertemuan."),
    (0, "18:30", "20:00", _RES, "Makan Malam dan Perkenalan Antarprovinsi", "break", None, None, False, 0,
     "Makan malam bersama; setiap provinsi memperkenalkan timnya dalam dua menit."),

    # Day 2 (Selasa): panel, three rounds of parallel sharing, reflection.
    (1, "08:00", "09:30", _BALL, "Panel: Perpustakaan sebagai Pusat Kegiatan Masyarakat Berbasis TIK", "plenary",
     None, None, False, 3,
     "Perpustakaan Nasional RI, Kementerian Dalam Negeri, dan dua kepala perpustakaan daerah berbagi "
     "pandangan tentang transformasi perpustakaan umum."),
    (1, "09:30", "10:00", _FOY, "Rehat Kopi Pagi", "break", None, None, False, 0, "Kopi, teh, dan kue basah."),
    (1, "10:00", "12:00", _BALL, "Berbagi Praktik Baik: Layanan TIK di Perpustakaan Desa", "sharing", _TIK,
     None, False, 2,
     "Tiga perpustakaan desa menceritakan cara mereka membuka layanan komputer dan internet untuk warga."),
    (1, "10:00", "12:00", _JIM, "Pemanfaatan Internet untuk Kesejahteraan Masyarakat", "sharing", _MAS,
     None, False, 2,
     "Contoh warga yang menambah penghasilan setelah belajar internet di perpustakaan."),
    (1, "10:00", "12:00", _ULU, "Advokasi Anggaran Perpustakaan ke Pemerintah Daerah", "sharing", _ADV,
     None, False, 2,
     "Langkah menyiapkan data, bertemu Bappeda dan DPRD, dan mengawal anggaran perpustakaan dalam APBD."),
    (1, "10:00", "12:00", _NUS, "Literasi Digital untuk Remaja dan Pelajar", "sharing", _LIT, None, False, 2,
     "Kelas aman berinternet, mencari informasi beasiswa, dan membuat karya digital bersama remaja desa."),
    (1, "10:00", "12:00", _KUT, "Manajemen Relawan Perpustakaan Desa", "sharing", _MAN, None, False, 2,
     "Merekrut, melatih, dan mempertahankan relawan agar layanan tetap buka setiap hari."),
    (1, "10:00", "12:00", _SAN,
     "Perpustakaan dan Pemberdayaan Perempuan: Kelas Kerajinan dan Pemasaran Daring", "sharing", _MAS,
     None, False, 2,
     "Kelompok ibu-ibu yang belajar membuat dan menjual kerajinan lewat internet di perpustakaan."),
    (1, "10:00", "12:00", _PEC, "Pelatihan Literasi Informasi: Menelusur dan Menilai Sumber di Internet",
     "workshop", _LIT, 30, True, 2,
     "Praktik langsung di laboratorium komputer; bawa contoh pertanyaan dari pemustaka di desa Anda."),
    (1, "12:00", "13:00", _RES, "Makan Siang", "break", None, None, False, 0, "Makan siang prasmanan."),
    (1, "13:00", "14:30", _BALL, "Informasi Pertanian dan Peternakan lewat Internet untuk Petani Desa",
     "sharing", _MAS, None, False, 2,
     "Perpustakaan yang membantu petani mencari harga pasar, cara tanam, dan penanganan penyakit ternak."),
    (1, "13:00", "14:30", _JIM, "Dana Desa untuk Perpustakaan: Peluang UU Nomor 6 Tahun 2014 tentang Desa",
     "sharing", _ADV, None, False, 2,
     "Bagaimana perpustakaan desa masuk dalam RPJMDes dan APBDes setelah berlakunya UU Desa."),
    (1, "13:00", "14:30", _ULU, "Gerakan Gemar Membaca di Taman Bacaan Masyarakat", "sharing", _LIT,
     None, False, 2,
     "Pengelola TBM berbagi cara menghidupkan kegiatan membaca bersama anak dan orang tua."),
    (1, "13:00", "14:30", _NUS, "Mengelola Pojok Internet Perpustakaan secara Berkelanjutan", "sharing", _TIK,
     None, False, 2,
     "Biaya koneksi, jadwal pemakaian, dan aturan yang adil untuk komputer bersama."),
    # Conflict, part 1 of 2 (see DEMO_CONFLICT_TITLES).
    (1, "13:00", "14:30", _KUT, DEMO_CONFLICT_TITLES[0], "sharing", _MAN, None, False, 2,
     "Mencatat jumlah pengunjung dan kegiatan, lalu memakainya untuk laporan dan advokasi."),
    # Conflict, part 2 of 2: booked into the same room while part 1 is still running.
    (1, "14:00", "14:45", _KUT, DEMO_CONFLICT_TITLES[1], "workshop", _ADV, 25, True, 2,
     "Sesi tambahan: menyusun usulan kegiatan perpustakaan yang siap dibawa ke musyawarah desa."),
    (1, "13:00", "14:30", _SAN, "Berbagi Praktik Baik: Perpustakaan Keliling dan Layanan TIK di Daerah Terpencil",
     "sharing", _TIK, None, False, 2,
     "Motor pustaka, modem seluler, dan laptop keliling untuk dusun yang jauh dari perpustakaan."),
    (1, "13:00", "14:30", _PEC, "Lokakarya Otomasi Perpustakaan dengan SLiMS (Sesi 1)", "workshop", _TIK,
     30, True, 2,
     "Memasang SLiMS, mengisi data koleksi, dan mencetak kartu anggota. Lanjut di Sesi 2."),
    (1, "14:30", "15:00", _FOY, "Rehat Kopi Sore", "break", None, None, False, 0, "Kopi, teh, dan pisang goreng."),
    (1, "15:00", "16:30", _BALL, "Berbagi Praktik Baik Regional: Jawa Timur dan Jawa Tengah", "sharing", _MAS,
     None, False, 3, "Kisah perubahan dari perpustakaan mitra di Jawa Timur dan Jawa Tengah."),
    (1, "15:00", "16:30", _JIM, "Berbagi Praktik Baik Regional: Jawa Barat, Banten, dan DI Yogyakarta",
     "sharing", _MAS, None, False, 2,
     "Kisah perubahan dari perpustakaan mitra di Jawa Barat, Banten, dan DI Yogyakarta."),
    (1, "15:00", "16:30", _ULU, "Berbagi Praktik Baik Regional: Sumatera dan Bengkulu", "sharing", _MAS,
     None, False, 2,
     "Kisah perubahan dari Sumatera Utara, Sumatera Barat, Sumatera Selatan, dan Bengkulu."),
    (1, "15:00", "16:30", _NUS, "Berbagi Praktik Baik Regional: Kalimantan", "sharing", _MAS, None, False, 2,
     "Kisah perubahan dari Kalimantan Barat, Tengah, Selatan, dan Timur."),
    (1, "15:00", "16:30", _KUT, "Berbagi Praktik Baik Regional: Sulawesi dan Nusa Tenggara Barat", "sharing",
     _MAS, None, False, 2,
     "Kisah perubahan dari Sulawesi Selatan, Sulawesi Tenggara, dan Nusa Tenggara Barat."),
    (1, "15:00", "16:30", _PEC, "Lokakarya Otomasi Perpustakaan dengan SLiMS (Sesi 2)", "workshop", _TIK,
     30, True, 2, "Sirkulasi, laporan statistik, dan cadangan data SLiMS."),
    (1, "16:30", "17:15", _BALL, "Refleksi Hari Kedua dan Pengumuman", "plenary", None, None, False, 1,
     "Catatan penting dari sesi berbagi hari ini dan persiapan untuk besok."),

    # Day 3 (Rabu): policy dialogue, two rounds of sharing, follow-up plans by region, culture night.
    (2, "08:00", "09:30", _BALL,
     "Dialog Kebijakan: Komitmen Pemerintah Daerah untuk Perpustakaan Berbasis TIK", "plenary", None,
     None, False, 3,
     "Kementerian Dalam Negeri, Kementerian Komunikasi dan Informatika, dan Bappeda berdialog "
     "dengan peserta tentang keberlanjutan program."),
    (2, "09:30", "10:00", _FOY, "Rehat Kopi Pagi", "break", None, None, False, 0, "Kopi, teh, dan kue basah."),
    (2, "10:00", "12:00", _BALL, "Membangun Kemitraan dengan DPRD, Bappeda, dan CSR Perusahaan", "sharing",
     _ADV, None, False, 2,
     "Pengalaman perpustakaan yang mendapat dukungan dana dan fasilitas dari berbagai mitra."),
    (2, "10:00", "12:00", _JIM, "Perpustakaan dan Wirausaha: Memasarkan Produk UMKM Desa lewat Internet",
     "sharing", _MAS, None, False, 2,
     "Foto produk, toko daring, dan media sosial untuk usaha kecil yang dibina perpustakaan."),
    (2, "10:00", "12:00", _ULU, "Mendongeng dan Kelas Baca untuk Anak Usia Dini", "sharing", _LIT,
     None, False, 2, "Teknik mendongeng, memilih buku, dan melibatkan PAUD di sekitar perpustakaan."),
    (2, "10:00", "12:00", _NUS, "Perawatan Perangkat Komputer dan Jaringan Internet Perpustakaan", "sharing",
     _TIK, None, False, 2,
     "Antivirus, pembaruan sistem, perawatan printer, dan mengatasi gangguan jaringan sendiri."),
    (2, "10:00", "12:00", _KUT, "Menyusun Peraturan Desa tentang Perpustakaan", "sharing", _ADV,
     None, False, 2, "Contoh perdes perpustakaan dan proses pengesahannya bersama BPD."),
    (2, "10:00", "12:00", _SAN, "Standar Nasional Perpustakaan Desa dan Persiapan Akreditasi", "sharing", _MAN,
     None, False, 2, "Koleksi, tenaga, sarana, dan layanan menurut standar Perpustakaan Nasional."),
    (2, "10:00", "12:00", _PEC, "Pelatihan Literasi Informasi untuk Pustakawan Desa (Angkatan 2)", "workshop",
     _LIT, 28, True, 2, "Ulangan pelatihan hari kedua untuk peserta yang belum kebagian tempat."),
    (2, "12:00", "13:00", _RES, "Makan Siang", "break", None, None, False, 0, "Makan siang prasmanan."),
    (2, "13:00", "14:30", _BALL, "Berbagi Praktik Baik: Pelatihan Komputer dan Internet untuk Warga Desa",
     "sharing", _TIK, None, False, 2,
     "Kurikulum sederhana, jadwal kelas, dan sertifikat untuk warga yang baru belajar komputer."),
    (2, "13:00", "14:30", _JIM, "Perpustakaan sebagai Ruang Belajar Remaja: Kelas Bahasa Inggris dan Keterampilan",
     "sharing", _MAS, None, False, 2, "Kelas sore yang diajar relawan mahasiswa dan alumni desa."),
    (2, "13:00", "14:30", _ULU, "Advokasi melalui Media: Menjalin Hubungan dengan Wartawan Lokal", "sharing",
     _ADV, None, False, 2, "Menulis siaran pers dan mengundang media ke kegiatan perpustakaan."),
    (2, "13:00", "14:30", _NUS, "Literasi Kesehatan: Informasi Kesehatan Ibu dan Anak di Perpustakaan",
     "sharing", _LIT, None, False, 2, "Kerja sama perpustakaan dengan posyandu dan puskesmas."),
    (2, "13:00", "14:30", _KUT, "Mengelola Keuangan dan Laporan Kegiatan Perpustakaan Desa", "sharing", _MAN,
     None, False, 2, "Buku kas sederhana, laporan pertanggungjawaban, dan transparansi kepada warga."),
    (2, "13:00", "14:30", _PEC, "Lokakarya Video Pendek: Mendokumentasikan Cerita Perubahan dengan Ponsel",
     "workshop", _TIK, 25, True, 2, "Merekam, menyunting, dan mengunggah video kisah sukses dari ponsel."),
    (2, "14:30", "15:00", _FOY, "Rehat Kopi Sore", "break", None, None, False, 0, "Kopi, teh, dan jajanan pasar."),
    (2, "15:00", "16:30", _BALL, "Penyusunan Rencana Tindak Lanjut: Kelompok Jawa Timur dan Jawa Tengah",
     "sharing", _MAN, None, False, 3, "Setiap kabupaten menyusun RTL dua belas bulan ke depan."),
    (2, "15:00", "16:30", _JIM,
     "Penyusunan Rencana Tindak Lanjut: Kelompok Jawa Barat, Banten, dan DI Yogyakarta",
     "sharing", _MAN, None, False, 2, "Setiap kabupaten menyusun RTL dua belas bulan ke depan."),
    (2, "15:00", "16:30", _ULU, "Penyusunan Rencana Tindak Lanjut: Kelompok Sumatera dan Bengkulu", "sharing",
     _MAN, None, False, 2, "Setiap kabupaten menyusun RTL dua belas bulan ke depan."),
    (2, "15:00", "16:30", _NUS, "Penyusunan Rencana Tindak Lanjut: Kelompok Kalimantan", "sharing", _MAN,
     None, False, 2, "Setiap kabupaten menyusun RTL dua belas bulan ke depan."),
    (2, "15:00", "16:30", _KUT,
     "Penyusunan Rencana Tindak Lanjut: Kelompok Sulawesi dan Nusa Tenggara Barat", "sharing", _MAN,
     None, False, 2, "Setiap kabupaten menyusun RTL dua belas bulan ke depan."),
    (2, "16:30", "17:00", _BALL, "Refleksi Hari Ketiga", "plenary", None, None, False, 1,
     "Catatan penting hari ini dan persiapan presentasi RTL."),
    (2, "19:00", "21:30", _BALL, "Malam Apresiasi dan Pentas Budaya Antarprovinsi", "plenary", None,
     None, False, 2, "Penghargaan perpustakaan inspiratif dan penampilan seni dari setiap provinsi."),

    # Day 4 (Kamis): follow-up plans, joint commitment, closing by noon.
    (3, "08:30", "10:00", _BALL, "Presentasi Rencana Tindak Lanjut Perwakilan Provinsi", "plenary", None,
     None, False, 2, "Enam belas provinsi mempresentasikan RTL, lima menit per provinsi."),
    (3, "10:00", "10:30", _FOY, "Rehat Kopi", "break", None, None, False, 0, "Kopi dan teh."),
    (3, "10:30", "11:15", _BALL,
     "Deklarasi Komitmen Bersama Pengembangan Perpustakaan Berbasis TIK yang Berkelanjutan", "plenary",
     None, None, False, 1, "Pembacaan dan penandatanganan komitmen bersama oleh perwakilan provinsi."),
    (3, "11:15", "12:00", _BALL, "Penutupan Peer Learning Meeting 2015", "plenary", None, None, False, 1,
     "Kesan peserta, ucapan terima kasih, dan penutupan resmi oleh Perpustakaan Nasional RI."),
    (3, "12:00", "13:00", _RES, "Makan Siang dan Check-out", "break", None, None, False, 0,
     "Makan siang, pengembalian kunci kamar, dan keberangkatan ke bandara."),
)


def demo_schedule(start_date: datetime.date | None = None) -> list[DemoSession]:
    """The four-day programme in time order; sessions carry day offsets, `date` is filled from start_date."""
    first = start_date or DEMO_EVENT["original_start"]
    sessions = [
        DemoSession(*row, date=first + datetime.timedelta(days=row[0]))
        for row in _SCHEDULE
    ]
    return sorted(sessions, key=lambda s: (s.day_index, s.start, s.room))


# ---------------------------------------------------------------------------------------------
# Places
# ---------------------------------------------------------------------------------------------

# The 16 provinces of the PerpuSeru partners in 2015, in the order the reference lists them.
SEED_PROVINCES: tuple[str, ...] = (
    "Banten", "Bengkulu", "DI Yogyakarta", "Jawa Barat", "Jawa Tengah", "Jawa Timur",
    "Kalimantan Barat", "Kalimantan Selatan", "Kalimantan Tengah", "Kalimantan Timur",
    "Nusa Tenggara Barat", "Sulawesi Selatan", "Sulawesi Tenggara", "Sumatera Barat",
    "Sumatera Selatan", "Sumatera Utara",
)

# Relative delegation sizes: Java sent the most people, as in the real programme.
PROVINCE_WEIGHTS: dict[str, int] = {
    "Jawa Timur": 14, "Jawa Tengah": 13, "Jawa Barat": 12, "DI Yogyakarta": 6, "Banten": 6,
    "Sumatera Utara": 7, "Sumatera Barat": 5, "Sumatera Selatan": 5, "Bengkulu": 4,
    "Kalimantan Barat": 5, "Kalimantan Selatan": 5, "Kalimantan Tengah": 4, "Kalimantan Timur": 5,
    "Nusa Tenggara Barat": 6, "Sulawesi Selatan": 7, "Sulawesi Tenggara": 4,
}


def _kab(*names: str) -> tuple[str, ...]:
    return tuple("Kabupaten " + n for n in names)


def _kota(*names: str) -> tuple[str, ...]:
    return tuple("Kota " + n for n in names)


# Real regencies (kabupaten) and cities (kota) of each seed province, as they were in 2015.
REGENCIES: dict[str, tuple[str, ...]] = {
    "Banten": _kab("Pandeglang", "Lebak", "Tangerang", "Serang")
    + _kota("Tangerang", "Cilegon", "Serang", "Tangerang Selatan"),
    "Bengkulu": _kab("Bengkulu Selatan", "Rejang Lebong", "Bengkulu Utara", "Kaur", "Seluma", "Mukomuko",
                     "Lebong", "Kepahiang", "Bengkulu Tengah") + _kota("Bengkulu"),
    "DI Yogyakarta": _kab("Bantul", "Sleman", "Kulon Progo", "Gunungkidul") + _kota("Yogyakarta"),
    "Jawa Barat": _kab("Bogor", "Sukabumi", "Cianjur", "Bandung", "Garut", "Tasikmalaya", "Ciamis", "Kuningan",
                       "Cirebon", "Majalengka", "Sumedang", "Indramayu", "Subang", "Purwakarta", "Karawang",
                       "Bekasi", "Bandung Barat")
    + _kota("Bogor", "Bandung", "Cirebon", "Bekasi", "Depok", "Cimahi", "Tasikmalaya", "Banjar"),
    "Jawa Tengah": _kab("Banyumas", "Cilacap", "Purbalingga", "Banjarnegara", "Kebumen", "Purworejo", "Wonosobo",
                        "Magelang", "Boyolali", "Klaten", "Sukoharjo", "Wonogiri", "Karanganyar", "Sragen",
                        "Grobogan", "Blora", "Rembang", "Pati", "Kudus", "Jepara", "Demak", "Semarang",
                        "Temanggung", "Kendal", "Batang", "Pekalongan", "Pemalang", "Tegal", "Brebes")
    + _kota("Magelang", "Surakarta", "Salatiga", "Semarang", "Pekalongan", "Tegal"),
    "Jawa Timur": _kab("Pacitan", "Ponorogo", "Trenggalek", "Tulungagung", "Blitar", "Kediri", "Malang", "Lumajang",
                       "Jember", "Banyuwangi", "Bondowoso", "Situbondo", "Probolinggo", "Pasuruan", "Sidoarjo",
                       "Mojokerto", "Jombang", "Nganjuk", "Madiun", "Magetan", "Ngawi", "Bojonegoro", "Tuban",
                       "Lamongan", "Gresik", "Bangkalan", "Sampang", "Pamekasan", "Sumenep")
    + _kota("Kediri", "Blitar", "Malang", "Probolinggo", "Madiun", "Surabaya", "Batu"),
    "Kalimantan Barat": _kab("Sambas", "Bengkayang", "Landak", "Mempawah", "Sanggau", "Ketapang", "Sintang",
                             "Kapuas Hulu", "Sekadau", "Melawi", "Kayong Utara", "Kubu Raya")
    + _kota("Pontianak", "Singkawang"),
    "Kalimantan Selatan": _kab("Tanah Laut", "Kotabaru", "Banjar", "Barito Kuala", "Tapin", "Hulu Sungai Selatan",
                               "Hulu Sungai Tengah", "Hulu Sungai Utara", "Tabalong", "Tanah Bumbu", "Balangan")
    + _kota("Banjarmasin", "Banjarbaru"),
    "Kalimantan Tengah": _kab("Kotawaringin Barat", "Kotawaringin Timur", "Kapuas", "Barito Selatan",
                              "Barito Utara", "Sukamara", "Lamandau", "Seruyan", "Katingan", "Pulang Pisau",
                              "Gunung Mas", "Barito Timur", "Murung Raya") + _kota("Palangka Raya"),
    "Kalimantan Timur": _kab("Paser", "Kutai Barat", "Kutai Kartanegara", "Kutai Timur", "Berau",
                             "Penajam Paser Utara", "Mahakam Ulu") + _kota("Balikpapan", "Samarinda", "Bontang"),
    "Nusa Tenggara Barat": _kab("Lombok Barat", "Lombok Tengah", "Lombok Timur", "Lombok Utara", "Sumbawa",
                                "Sumbawa Barat", "Dompu", "Bima") + _kota("Mataram", "Bima"),
    "Sulawesi Selatan": _kab("Kepulauan Selayar", "Bulukumba", "Bantaeng", "Jeneponto", "Takalar", "Gowa", "Sinjai",
                             "Maros", "Pangkajene dan Kepulauan", "Barru", "Bone", "Soppeng", "Wajo",
                             "Sidenreng Rappang", "Pinrang", "Enrekang", "Luwu", "Tana Toraja", "Luwu Utara",
                             "Luwu Timur", "Toraja Utara") + _kota("Makassar", "Parepare", "Palopo"),
    "Sulawesi Tenggara": _kab("Buton", "Muna", "Konawe", "Kolaka", "Konawe Selatan", "Bombana", "Wakatobi",
                              "Kolaka Utara", "Buton Utara", "Konawe Utara", "Kolaka Timur")
    + _kota("Kendari", "Baubau"),
    "Sumatera Barat": _kab("Kepulauan Mentawai", "Pesisir Selatan", "Solok", "Sijunjung", "Tanah Datar",
                           "Padang Pariaman", "Agam", "Lima Puluh Kota", "Pasaman", "Solok Selatan", "Dharmasraya",
                           "Pasaman Barat")
    + _kota("Padang", "Solok", "Sawahlunto", "Padang Panjang", "Bukittinggi", "Payakumbuh", "Pariaman"),
    "Sumatera Selatan": _kab("Ogan Komering Ulu", "Ogan Komering Ilir", "Muara Enim", "Lahat", "Musi Rawas",
                             "Musi Banyuasin", "Banyuasin", "Ogan Komering Ulu Selatan", "Ogan Komering Ulu Timur",
                             "Ogan Ilir", "Empat Lawang")
    + _kota("Palembang", "Prabumulih", "Pagar Alam", "Lubuklinggau"),
    "Sumatera Utara": _kab("Nias", "Mandailing Natal", "Tapanuli Selatan", "Tapanuli Tengah", "Tapanuli Utara",
                           "Toba Samosir", "Labuhanbatu", "Asahan", "Simalungun", "Dairi", "Karo", "Deli Serdang",
                           "Langkat", "Nias Selatan", "Humbang Hasundutan", "Samosir", "Serdang Bedagai",
                           "Batubara", "Padang Lawas", "Nias Utara")
    + _kota("Sibolga", "Tanjungbalai", "Pematangsiantar", "Tebing Tinggi", "Medan", "Binjai",
            "Padangsidimpuan", "Gunungsitoli"),
}

# Which naming traditions each delegation draws from: (culture, weight, regencies where they live
# or None for the whole province). Keeps a Karo name in Kabupaten Karo, not in Nias.
PROVINCE_CULTURES: dict[str, tuple[tuple[str, int, tuple[str, ...] | None], ...]] = {
    "Banten": (
        ("banten", 40, None),
        ("sundanese", 30, _kab("Pandeglang", "Lebak", "Serang")),
        ("betawi", 15, _kab("Tangerang") + _kota("Tangerang", "Tangerang Selatan")),
        ("javanese", 15, _kab("Serang") + _kota("Serang", "Cilegon")),
    ),
    "Bengkulu": (
        ("malay_bengkulu", 60, None),
        ("javanese", 28, _kab("Bengkulu Utara", "Seluma", "Mukomuko", "Bengkulu Tengah", "Rejang Lebong")),
        ("minang", 12, _kab("Mukomuko") + _kota("Bengkulu")),
    ),
    "DI Yogyakarta": (("javanese", 100, None),),
    "Jawa Barat": (
        ("sundanese", 75, None),
        ("javanese", 12, _kab("Cirebon", "Indramayu") + _kota("Cirebon")),
        ("betawi", 13, _kab("Bekasi", "Bogor") + _kota("Bekasi", "Depok")),
    ),
    "Jawa Tengah": (
        ("javanese", 97, None),
        ("chinese", 3, _kab("Rembang") + _kota("Semarang", "Surakarta")),
    ),
    "Jawa Timur": (
        ("javanese", 72, None),
        ("madurese", 24, _kab("Bangkalan", "Sampang", "Pamekasan", "Sumenep", "Jember", "Bondowoso", "Situbondo",
                              "Probolinggo")),
        ("chinese", 4, _kota("Surabaya", "Malang")),
    ),
    "Kalimantan Barat": (
        ("malay_pontianak", 40, _kab("Sambas", "Mempawah", "Ketapang", "Kayong Utara", "Kubu Raya")
         + _kota("Pontianak")),
        ("dayak", 38, _kab("Landak", "Sanggau", "Sintang", "Kapuas Hulu", "Bengkayang", "Sekadau", "Melawi")),
        ("chinese", 12, _kab("Bengkayang") + _kota("Singkawang", "Pontianak")),
        ("javanese", 5, _kab("Kubu Raya")),
        ("madurese", 5, _kab("Kubu Raya") + _kota("Pontianak")),
    ),
    "Kalimantan Selatan": (
        ("banjar", 88, None),
        ("javanese", 7, _kab("Tanah Laut", "Tanah Bumbu", "Kotabaru")),
        ("dayak", 5, _kab("Balangan", "Tabalong", "Hulu Sungai Tengah")),
    ),
    "Kalimantan Tengah": (
        ("dayak", 52, None),
        ("banjar", 33, None),
        ("javanese", 15, _kab("Kotawaringin Barat", "Kotawaringin Timur", "Seruyan", "Pulang Pisau")),
    ),
    "Kalimantan Timur": (
        ("banjar", 25, None),
        ("bugis", 22, _kab("Paser", "Penajam Paser Utara", "Kutai Kartanegara")
         + _kota("Samarinda", "Balikpapan", "Bontang")),
        ("javanese", 22, None),
        ("kutai", 17, _kab("Kutai Kartanegara", "Kutai Timur", "Kutai Barat") + _kota("Samarinda")),
        ("dayak", 14, _kab("Kutai Barat", "Mahakam Ulu", "Berau", "Kutai Kartanegara")),
    ),
    "Nusa Tenggara Barat": (
        ("sasak", 58, _kab("Lombok Barat", "Lombok Tengah", "Lombok Timur", "Lombok Utara") + _kota("Mataram")),
        ("mbojo", 22, _kab("Bima", "Dompu", "Sumbawa", "Sumbawa Barat") + _kota("Bima")),
        ("balinese", 20, _kab("Lombok Barat", "Lombok Utara") + _kota("Mataram")),
    ),
    "Sulawesi Selatan": (
        ("bugis", 52, _kab("Bone", "Wajo", "Soppeng", "Sidenreng Rappang", "Barru", "Pinrang", "Sinjai", "Bulukumba",
                           "Luwu", "Luwu Utara") + _kota("Parepare", "Palopo", "Makassar")),
        ("makassar", 30, _kab("Gowa", "Takalar", "Jeneponto", "Bantaeng", "Maros", "Pangkajene dan Kepulauan",
                              "Kepulauan Selayar") + _kota("Makassar")),
        ("toraja", 12, _kab("Tana Toraja", "Toraja Utara")),
        ("balinese", 6, _kab("Luwu Timur", "Luwu Utara")),
    ),
    "Sulawesi Tenggara": (
        ("buton", 42, _kab("Buton", "Buton Utara", "Muna", "Wakatobi", "Bombana") + _kota("Baubau")),
        ("bugis", 28, _kab("Kolaka", "Kolaka Utara", "Bombana", "Konawe") + _kota("Kendari")),
        ("javanese", 15, _kab("Konawe", "Konawe Selatan", "Kolaka Timur", "Kolaka")),
        ("balinese", 15, _kab("Konawe", "Konawe Selatan", "Kolaka Timur")),
    ),
    "Sumatera Barat": (
        ("minang", 92, None),
        ("javanese", 4, _kab("Dharmasraya", "Pasaman Barat", "Sijunjung")),
        ("mandailing", 4, _kab("Pasaman", "Pasaman Barat")),
    ),
    "Sumatera Selatan": (
        ("malay_palembang", 68, None),
        ("javanese", 20, _kab("Ogan Komering Ulu Timur", "Musi Rawas", "Banyuasin", "Ogan Komering Ilir",
                              "Musi Banyuasin")),
        ("balinese", 7, _kab("Ogan Komering Ulu Timur")),
        ("chinese", 5, _kota("Palembang")),
    ),
    "Sumatera Utara": (
        ("batak_toba", 28, _kab("Toba Samosir", "Tapanuli Utara", "Humbang Hasundutan", "Samosir",
                                "Tapanuli Tengah") + _kota("Sibolga", "Medan", "Pematangsiantar")),
        ("batak_karo", 12, _kab("Karo", "Deli Serdang", "Langkat") + _kota("Binjai", "Medan")),
        ("batak_simalungun", 8, _kab("Simalungun") + _kota("Pematangsiantar")),
        ("mandailing", 14, _kab("Mandailing Natal", "Tapanuli Selatan", "Padang Lawas")
         + _kota("Padangsidimpuan")),
        ("nias", 8, _kab("Nias", "Nias Selatan", "Nias Utara") + _kota("Gunungsitoli")),
        ("malay_deli", 10, _kab("Deli Serdang", "Serdang Bedagai", "Langkat", "Asahan", "Batubara", "Labuhanbatu")
         + _kota("Tanjungbalai", "Medan")),
        ("javanese", 14, _kab("Deli Serdang", "Serdang Bedagai", "Langkat", "Asahan", "Labuhanbatu")
         + _kota("Tebing Tinggi", "Binjai")),
        ("chinese", 6, _kota("Medan")),
    ),
}

# Village names (desa; nagari in West Sumatra), typical of each province.
VILLAGES: dict[str, tuple[str, ...]] = {
    "Banten": ("Sukajaya", "Sindangresmi", "Kadubeureum", "Mekarjaya", "Pasirtanjung", "Ciherang", "Sukamanah",
               "Margasana", "Pabuaran", "Citeureup"),
    "Bengkulu": ("Tanjung Agung", "Talang Ulu", "Air Sebakul", "Sido Mulyo", "Pasar Ngalam", "Tebat Monok",
                 "Suka Merindu", "Dusun Baru", "Lubuk Sahung", "Tanjung Terdana"),
    "DI Yogyakarta": ("Panggungharjo", "Sendangsari", "Sumbermulyo", "Bejiharjo", "Sidoharjo", "Jatimulyo",
                      "Argomulyo", "Sriharjo", "Girimulyo", "Bangunjiwo"),
    "Jawa Barat": ("Sukamaju", "Cibeureum", "Sukasari", "Cikoneng", "Sindangsari", "Margamulya", "Sukaresmi",
                   "Mekarsari", "Cijambu", "Karyamukti", "Sukahurip", "Cigugur"),
    "Jawa Tengah": ("Karangsari", "Kaliwungu", "Banjarsari", "Sidorejo", "Ngadirejo", "Purwosari", "Wonokerto",
                    "Candirejo", "Kembangsari", "Gunungwungkal", "Kedungwringin", "Sumberejo"),
    "Jawa Timur": ("Sumberrejo", "Kedungrejo", "Tegalsari", "Wonorejo", "Sidomulyo", "Karangrejo", "Sumbersari",
                   "Kalirejo", "Tanjungrejo", "Pandanwangi", "Randuagung", "Sukodono"),
    "Kalimantan Barat": ("Sungai Ambawang", "Pahauman", "Rasau Jaya", "Sungai Kakap", "Teluk Pakedai",
                         "Entikong", "Balai Karangan", "Tebas Kuala", "Sejiram", "Sungai Asam"),
    "Kalimantan Selatan": ("Sungai Tabuk", "Kertak Hanyar", "Gambut", "Pengaron", "Sungai Alang", "Benua Anyar",
                           "Tambak Sirang", "Anjir Muara", "Kandangan Lama", "Sungai Rangas"),
    "Kalimantan Tengah": ("Tumbang Nusa", "Kalampangan", "Bahu Palawa", "Tumbang Anoi", "Tangkiling",
                          "Sei Gohong", "Mantangai", "Pangkalan Banteng", "Tewah", "Bukit Rawi"),
    "Kalimantan Timur": ("Loa Kulu", "Sebulu", "Tenggarong Seberang", "Muara Badak", "Sangasanga", "Long Iram",
                         "Melak Ulu", "Kota Bangun", "Sepaku", "Pampang"),
    "Nusa Tenggara Barat": ("Lingsar", "Gunungsari", "Sesela", "Pringgasela", "Sukarara", "Masbagik", "Senaru",
                            "Bayan", "Sembalun Lawang", "Kempo", "Batu Kumbung"),
    "Sulawesi Selatan": ("Pattallassang", "Bontomarannu", "Tanete", "Cenrana", "Lappariaja", "Bontonompo",
                         "Mangkutana", "Wotu", "Kanreapi", "Bira"),
    "Sulawesi Tenggara": ("Ranomeeto", "Lambuya", "Wawotobi", "Pasarwajo", "Wakorumba", "Lasalimu", "Tongkuno",
                          "Landono", "Moramo", "Kabangka"),
    "Sumatera Barat": ("Sungai Pua", "Koto Gadang", "Pariangan", "Sumpur", "Batipuh", "Sulit Air", "Balingka",
                       "Pandai Sikek", "Tabek Patah", "Kamang Hilia"),
    "Sumatera Selatan": ("Tanjung Raja", "Sungai Rotan", "Sukarami", "Gelebak Dalam", "Tanjung Lubuk",
                         "Muara Kuang", "Bumi Agung", "Sumber Jaya", "Karang Endah", "Tanjung Batu"),
    "Sumatera Utara": ("Lumban Julu", "Sigumpar", "Tomok", "Lau Gumba", "Sei Rampah", "Huta Raja", "Sipolha",
                       "Pardamean", "Sibolangit", "Batang Kuis"),
}

INSTITUTION_TYPES: tuple[str, ...] = ("provincial", "regency_city", "village", "tbm", "other")

# How participants (not staff) split over institution types: mostly village libraries.
_PARTICIPANT_INSTITUTION_WEIGHTS = (("village", 54), ("regency_city", 26), ("tbm", 8), ("provincial", 5),
                                    ("other", 7))

# 2015 naming was mixed (Badan, Kantor, Dinas); one form per library is fixed per generated list.
_PROVINCIAL_LIBRARY_FORMS = (
    "Badan Perpustakaan dan Arsip Daerah Provinsi {p}",
    "Perpustakaan Daerah Provinsi {p}",
    "Badan Perpustakaan dan Kearsipan Provinsi {p}",
    "Dinas Perpustakaan dan Kearsipan Provinsi {p}",
)
_REGENCY_LIBRARY_FORMS = (
    "Kantor Perpustakaan dan Arsip Daerah {r}",
    "Badan Perpustakaan dan Arsip Daerah {r}",
    "Dinas Perpustakaan dan Kearsipan {r}",
    "Perpustakaan Umum Daerah {r}",
    "Kantor Perpustakaan Daerah {r}",
)
_OTHER_FORMS = (
    "Bappeda {r}",
    "Dinas Komunikasi dan Informatika {r}",
    "Badan Pemberdayaan Masyarakat dan Pemerintahan Desa {r}",
    "Dinas Pendidikan {r}",
    "Sekretariat DPRD {r}",
)
_TBM_FORMS = ("TBM {n}", "TBM Rumah Baca {n}", "Taman Bacaan Masyarakat {n}", "Rumah Baca {n}", "Pondok Baca {n}")
_TBM_NAMES = ("Cahaya", "Pelangi", "Bina Ilmu", "Mutiara", "Tunas Harapan", "Cendekia", "Jendela Dunia", "Bintang",
              "Mekar Sari", "Sinar Ilmu", "Kuncup Mekar", "Pena Emas", "Harapan Bangsa", "Kartini", "Lentera Desa",
              "Anak Bangsa", "Sahabat Pustaka", "Kampung Baca")

_FOUNDATION = "PerpuSeru – Coca-Cola Foundation Indonesia"
_SPEAKER_INSTITUTIONS = (
    ("Perpustakaan Nasional RI", "other"),
    ("Kementerian Dalam Negeri", "other"),
    ("Kementerian Komunikasi dan Informatika", "other"),
    ("Coca-Cola Foundation Indonesia", "other"),
    (None, "provincial"),  # the speaker's own provincial library
    (None, "regency_city"),  # the speaker's own regency library
)
_COMMITTEE_INSTITUTIONS = ("Coca-Cola Foundation Indonesia", "Perpustakaan Nasional RI", _FOUNDATION)


# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------

# Muslim-majority naming traditions: these get Islamic given names (many with apostrophes) and H./Hj.
_MUSLIM_CULTURES = frozenset({
    "javanese", "sundanese", "banten", "betawi", "madurese", "minang", "malay_palembang", "malay_pontianak",
    "malay_deli", "malay_bengkulu", "banjar", "kutai", "sasak", "mbojo", "bugis", "makassar", "buton",
    "mandailing",
})

# Islamic given names as written in Indonesia; apostrophes (ain/hamzah) are normal in these.
_ISLAMIC_M = ("Muhammad Ma'ruf", "Ahmad Syafi'i", "Ja'far Shodiq", "Abdul Ghofur", "Ali Mas'ud", "Muhammad Fu'ad",
              "Ahmad Rif'an", "Abdul Wahab", "Sa'dullah", "Zainal Abidin", "Ahmad Baihaqi", "Nur Kholis",
              "Muhammad Nasrullah", "Abdul Karim", "Syamsul Ma'arif", "Ahmad Mu'tashim", "Khoirul Anam",
              "Mu'min", "Ma'mun", "Rifa'i", "Abdul Hafidz", "Ahmad Jazuli", "Muhammad Ridwan", "Ja'far",
              "Ahmad Sya'roni", "Nu'man", "Abdul Mu'is", "Muhammad Iqbal", "Fathurrahman", "Imron Rosyadi",
              "Ahmad Muzakki", "Su'udi", "Mas'udi", "Luqman Hakim", "Ahmad Fauzi", "Abdul Aziz")
_ISLAMIC_F = ("Nur'aini", "Siti Ni'mah", "Sa'adah", "Siti Mu'awanah", "Lu'lu'ul Jannah", "Ni'matul Hasanah",
              "Siti Maghfiroh", "Umi Kulsum", "Siti Khodijah", "Fatimatuz Zahro", "Nur Laili", "Siti Rofi'ah",
              "Ismi Nur Azizah", "Nurul Hidayah", "Syafa'atun", "Mu'arofah", "Rabi'atul Adawiyah", "Zulfa",
              "Khusnul Khotimah", "Siti Nur'aini", "Ummu Hani'", "Qurrota A'yun", "Mar'atus Sholihah",
              "Siti Zulaikha", "Nurul Fadhilah", "Latifatul Fajriyah", "Siti Aminah", "Izzatul Muna",
              "Nailul Muna", "Ruqoyyah", "Anis Sholihah", "Siti Musyarofah")

_JAVANESE_MONO_M = ("Suparno", "Mulyono", "Sutrisno", "Sukardi", "Wagiman", "Sarno", "Karyono", "Suwarno",
                    "Sugiyanto", "Riyanto", "Ngadiman", "Parmin", "Tukiran", "Supardi", "Darmaji", "Sumadi",
                    "Giyono", "Slamet", "Paimin", "Sunarto")
_JAVANESE_MONO_F = ("Sukarmi", "Suyatmi", "Ngatini", "Sumarni", "Tumini", "Sulastri", "Wartini", "Partini",
                    "Sukini", "Suprapti", "Sriyani", "Marsini", "Jumiyem", "Sutarmi", "Wagini", "Ponirah")
_JAVANESE_FIRST_M = ("Agus", "Bambang", "Budi", "Eko", "Dwi", "Tri", "Heru", "Hadi", "Joko", "Sigit", "Teguh",
                     "Wahyu", "Sugeng", "Yudi", "Arif", "Rudi", "Bayu", "Aris", "Dimas", "Fajar", "Galih", "Hendro",
                     "Adi", "Nanang", "Didik", "Anang", "Prasetyo")
_JAVANESE_FIRST_F = ("Sri", "Endang", "Tutik", "Siti", "Dwi", "Tri", "Rini", "Yuli", "Puji", "Ratna", "Dewi", "Ari",
                     "Wulan", "Retno", "Ani", "Nunuk", "Anik", "Rina", "Indah", "Eni", "Fitri", "Ayu", "Dyah",
                     "Kurnia", "Erna", "Titik")
_JAVANESE_MIDDLE_M = ("Adi", "Agung", "Setyo", "Budi", "Eko", "Nur", "Dwi", "Joko", "Wahyu")
_JAVANESE_MIDDLE_F = ("Ayu", "Dwi", "Nur", "Tri", "Sri", "Eka", "Wahyu", "Puspa")
_JAVANESE_LAST_M = ("Santoso", "Prasetyo", "Nugroho", "Setiawan", "Wibowo", "Kurniawan", "Saputro", "Hartono",
                    "Purnomo", "Susilo", "Raharjo", "Suryanto", "Wicaksono", "Hidayat", "Sulistyo", "Priyanto",
                    "Utomo", "Pamungkas", "Gunawan", "Cahyono", "Wijayanto", "Harjono", "Sutrisno", "Widodo")
_JAVANESE_LAST_F = ("Wahyuni", "Rahayu", "Lestari", "Wulandari", "Handayani", "Kusumawati", "Astuti", "Ningsih",
                    "Mulyani", "Purwanti", "Susanti", "Rahmawati", "Suryani", "Setyowati", "Hartati", "Widyastuti",
                    "Pratiwi", "Anggraini", "Puspitasari", "Kurniasih", "Utami", "Sulistyowati", "Hastuti",
                    "Yuliana", "Andriani")

_SUNDANESE_FIRST_M = ("Asep", "Ujang", "Dede", "Cecep", "Dadang", "Iwan", "Ade", "Yayan", "Acep", "Enjang", "Oman",
                      "Engkus", "Dedi", "Yusuf", "Agus", "Deden", "Aang", "Jajang", "Wawan", "Ridwan", "Endang")
_SUNDANESE_FIRST_F = ("Euis", "Neneng", "Iis", "Yati", "Cucu", "Lilis", "Nining", "Imas", "Enok", "Nenden", "Rina",
                      "Elis", "Yeyet", "Tati", "Ai", "Nia", "Wida", "Ratna", "Dewi", "Neng", "Popon", "Enung")
_SUNDANESE_LAST_M = ("Sutisna", "Suryana", "Hidayat", "Permana", "Supriatna", "Mulyana", "Kusnadi", "Sopian",
                     "Saepudin", "Ruhiyat", "Hermawan", "Sunarya", "Komarudin", "Rukmana", "Gunawan", "Nugraha",
                     "Setiadi", "Kurnia", "Firmansyah", "Sudrajat", "Somantri", "Suhendar")
_SUNDANESE_LAST_F = ("Kurniasih", "Rohaeti", "Nurhasanah", "Sumiati", "Nurhayati", "Rostika", "Rahmawati", "Kartika",
                     "Maryani", "Suhaesih", "Komariah", "Juariah", "Fitriani", "Sundari", "Marlina", "Herlina",
                     "Yuningsih", "Rosmiati", "Nuraeni", "Sukaesih")
_SUNDANESE_MONO = ("Kosasih", "Sutarja", "Karna", "Entin", "Onah", "Iyah", "Ruhaenah", "Sukandi")

_BETAWI_M = ("Mamat", "Rojali", "Sabeni", "Mansyur", "Zainuddin", "Mat Sani", "Ahmad Bakri", "Husin", "Muhidin",
             "Sarmili", "Jali", "Jaelani", "Rohman", "Sanusi")
_BETAWI_F = ("Rohimah", "Nurhasanah", "Hindun", "Romlah", "Saodah", "Nurlela", "Aisyah", "Maemunah", "Juleha",
             "Mardiyah", "Rodiah", "Nuraini")
_BETAWI_LAST = ("", "", "Saputra", "Hasanudin", "Ridwan", "Kosim", "Nawawi", "Syafe'i", "Muhasan")

_MADURESE_M = ("Moh. Hosnan", "Abd. Rasyid", "Moh. Sahri", "Mat Sahri", "Moh. Holil", "Abd. Wahid", "Moh. Jufri",
               "Moh. Tohir", "Abd. Qodir", "Sunarto", "Moh. Rasuli", "Hosnan", "Mat Rawi", "Moh. Zainal Arifin")
_MADURESE_F = ("Siti Aisyah", "Sumiyati", "Hosniyah", "Siti Fatimah", "Halimatus Sa'diyah", "Nurul Qomariyah",
               "Luluk Maknunah", "Zubaidah", "Rofiqoh", "Holifah", "Siti Romlah", "Muzayyanah", "Maimunah")

_MINANG_M = ("Afrizal", "Syafrizal", "Zulkifli", "Erman", "Yusrizal", "Hendri", "Zulhendri", "Firdaus", "Asrul",
             "Yulizar", "Deswandi", "Rahmat", "Fauzan", "Irwandi", "Masrizal", "Nofrizal", "Syahrul", "Efendi",
             "Jasman", "Darmawi", "Syamsul Bahri", "Yondri")
_MINANG_F = ("Yulia", "Nofrianti", "Deswita", "Rahmi", "Fitri", "Yeni", "Desi", "Elfi", "Mardiah", "Yusnidar",
             "Rosmaniar", "Syafni", "Zuraida", "Ernita", "Yetti", "Mairita", "Silvia", "Febriyanti", "Elvira",
             "Nurhayati", "Yusmaneli", "Asmarni")
_MINANG_SECOND_M = ("Putra", "Syaputra", "Rahman", "Hidayat", "Amri", "Bakri", "Chaniago", "Piliang", "Tanjung",
                    "Koto", "Sikumbang", "Jambak")
_MINANG_SECOND_F = ("Yanti", "Sari", "Wati", "Hasanah", "Fitri", "Rahmadani", "Novita", "Yusra", "Anggraini")
_MINANG_DATUK = ("Dt. Rajo Mangkuto", "Dt. Bandaro Putiah", "Dt. Sinaro Panjang", "Dt. Rangkayo Basa",
                 "Dt. Majo Indo", "Dt. Palindih")

_MALAY_M = ("Hendra", "Iskandar", "Zainal", "Darmawan", "Syahril", "Rusdi", "Hermansyah", "Sulaiman", "Yusuf",
            "Amran", "Heriyanto", "Alamsyah", "Novriansyah", "Fikri", "Ridho", "Andika", "Zulkarnain", "Rahmad",
            "Junaidi", "Marzuki", "Abdul Latif")
_MALAY_F = ("Nurhasanah", "Rosmala", "Yuliana", "Herawati", "Maryamah", "Fitriyani", "Rohana", "Nurjannah",
            "Meilinda", "Eka", "Dian", "Desi", "Nova", "Sartika", "Rusmini", "Zubaidah", "Rosmiati", "Wan Nurul")
_MALAY_LAST_M = ("Saputra", "Pratama", "Syahputra", "Alamsyah", "Hidayat", "Firmansyah", "Effendi", "Harahap", "")
_MALAY_LAST_F = ("Sari", "Wati", "Yanti", "Susanti", "Apriani", "Oktaviani", "Lestari", "")
# Regional nobility and descent prefixes: (male, female).
_MALAY_PREFIXES = {
    "malay_palembang": (("Kemas", "Kiagus", "Masagus", "Raden"), ("Nyimas", "Nyayu", "Raden Ayu")),
    "malay_pontianak": (("Uray", "Syarif"), ("Utin", "Syarifah")),
    "malay_deli": (("Tengku", "Wan", "Datuk"), ("Tengku", "Wan")),
    "malay_bengkulu": ((), ()),
}
_ARAB_SURNAMES = ("Al-Qadri", "Al-Habsyi", "Al-Idrus", "Al-Attas")

_BANJAR_M = ("Akhmad", "Muhammad", "Rusdi", "Syahrani", "Aspiannur", "Fahriannor", "Saberan", "Jumberi",
             "Khairullah", "Rahmadi", "Suriansyah", "Masrani", "Hairiyadi", "Mahyuni", "Rusmadi", "Hamdani",
             "Fauzan", "Anang", "Arbani", "Salman")
_BANJAR_F = ("Mahrita", "Jumiati", "Rusmiati", "Norhayati", "Mahriah", "Hasanah", "Fitriani", "Siti Aisyah",
             "Noorlatifah", "Rahmawati", "Halimah", "Jamilah", "Raudah", "Norlatifah", "Mariatul Kiptiah",
             "Siti Mahmudah", "Rusdiana", "Hafizah")
_BANJAR_LAST = ("Noor", "Nor", "Rahman", "Riansyah", "Fahmi", "Hidayat", "Arsyad", "Anshari", "Rifani", "", "")

_KUTAI_M = ("Muhammad Rizal", "Rusdiansyah", "Sofyan", "Syahrial", "Hairil Anwar", "Sulaiman", "Ardiansyah",
            "Zainal Arifin", "Mukhlis")
_KUTAI_F = ("Rahmawati", "Noorhayati", "Siti Rukayah", "Rusmini", "Ratna Sari", "Hamidah", "Erna Wati", "Lailatul")

_DAYAK_FIRST_M = ("Yohanes", "Agustinus", "Paulus", "Petrus", "Yosef", "Stefanus", "Ignasius", "Fransiskus",
                  "Antonius", "Markus", "Lukas", "Alexius", "Yakobus", "Kornelius", "Benediktus", "Sabran", "Darius")
_DAYAK_FIRST_F = ("Maria", "Marselina", "Lusia", "Kristina", "Yuliana", "Theresia", "Agustina", "Veronika",
                  "Elisabet", "Katarina", "Anna-Maria", "Natalia", "Rosalina", "Fransiska", "Yasinta", "Margaretha")
_DAYAK_NAMES = ("Tambun", "Ngadan", "Tingang", "Bungai", "Ajun", "Dambung", "Ingan", "Uyung", "Masiun", "Akim",
                "Nyahu", "Lawing", "Ajang", "Jalung", "Lahang", "Apui", "Ridun", "Ating", "Anyie", "Lenjau",
                "Sahay", "Uvang")

_CHINESE_FIRST_M = ("Hendra", "Suryadi", "Johan", "Hendrik", "Andreas", "Ferry", "Sutanto", "Budi", "Willy",
                    "Yohanes", "Ricky", "Tommy", "Darmawan", "Eddy")
_CHINESE_FIRST_F = ("Meliana", "Lili", "Susi", "Linda", "Yenny", "Vivi", "Lina", "Fransiska", "Mei Ling", "Sherly",
                    "Veronika", "Christine", "Jessica", "Lanny")
_CHINESE_LAST = ("Wijaya", "Halim", "Gunawan", "Susanto", "Tanjaya", "Lim", "Tan", "Tjhin", "Hartanto", "Setiadi",
                 "Kusuma", "Widjaja", "Santoso", "Lie", "Oei", "Chandra")

_SASAK_M = ("Muhammad", "Zulkarnain", "Hamdi", "Sahrul", "Suhaimi", "Saefullah", "Rahmatullah", "Marzuki",
            "Hariadi", "Ramli", "Sahnun", "Mustiadi", "Junaidi", "Hasbullah", "Sapruddin", "Jumadil", "Mahsun",
            "Lukmanul Hakim", "Wiranata", "Sudirman")
_SASAK_F = ("Nurhidayah", "Hasanah", "Nurul Aini", "Husnul Khotimah", "Rohani", "Hairunnisa", "Sumiati",
            "Muliani", "Nurmala", "Sarniati", "Rabiatul", "Jumarni", "Aminah", "Muslihah", "Sri Wahyuni", "Mardiana")

_MBOJO_M = ("Syarifuddin", "Abdul Haris", "M. Nur", "Jaidun", "Syamsuddin", "Ikhsan", "Arifin", "Hamdan",
            "Junaidin", "Syahbudin", "Julkifli", "Nasrun", "Rusdin", "Firdaus")
_MBOJO_F = ("Nurhaidah", "Siti Maryam", "Ratnasari", "Nurjanah", "Hadijah", "Salmah", "Sukmawati", "Rostina",
            "Nurhayati", "Hartini", "Sri Ernawati", "Syamsiah")
_MBOJO_LAST = ("Ahmad", "Abdullah", "Hasan", "Yasin", "Ishaka", "Mahmud", "", "", "")

_BUGIS_M = ("Muhammad Arfah", "Syamsuddin", "Abdul Rahman", "Haerul", "Suardi", "Baso", "Mursalim", "Irwan",
            "Jamaluddin", "Ilham", "Muh. Ridwan", "Ambo Tang", "Akbar", "Syahrir", "Saharuddin", "Kamaruddin",
            "Muh. Yusuf", "Amiruddin", "Arifin", "Sudirman", "Hasbi", "Muh. Nasir")
_BUGIS_F = ("Hasniati", "Nurhaedah", "Rusdiana", "Hasnawati", "Ramlah", "Asriani", "Suriani", "Nurjannah", "Hasmiah",
            "Sitti Aminah", "Nurhayati", "Mardiana", "Rahmatia", "Haslinda", "Irmawati", "Nurmiati", "Kasmawati",
            "Harniati", "St. Hajar", "Sitti Rahmah")
_BUGIS_ANDI_F = ("Besse", "Tenri Ajeng", "Tenri Sompa", "Nurhidayah", "Ratna", "Sitti Hajerah", "Faridah", "Ummi")
_BUGIS_LAST = ("Baso", "Latif", "Mappa", "Rahim", "Tahir", "Hamzah", "Mattalatta", "Palallo", "", "", "", "")
_DAENG = ("Daeng Ngalle", "Daeng Sikki", "Daeng Tata", "Daeng Rowa", "Daeng Nai", "Daeng Sijaya", "Daeng Tompo",
          "Daeng Bau", "Daeng Kebo")

_BUTON_M = ("Muhammad Syarif", "Hasan", "Sahrun", "Ali", "Nurdin", "Husein", "Yusuf", "Saleh", "Sudirman", "Ramli",
            "Kamaluddin", "Alimuddin", "Muslimin", "Basri", "Jamil", "Hamiruddin", "Sahidin")
_BUTON_F = ("Nurhayati", "Hasna", "Siti", "Marlina", "Nurmala", "Rosita", "Fatima", "Salma", "Asma", "Nurdiana",
            "Hadija", "Sitti Zahara", "Ikra", "Rahmatia", "Wiwin")

_TORAJA_FIRST_M = ("Yohanis", "Markus", "Daniel", "Simon", "Yusuf", "Paulus", "Petrus", "Elias", "Samuel",
                   "Yunus", "Marthen", "Obed")
_TORAJA_FIRST_F = ("Ruth", "Naomi", "Yohana", "Martha", "Debora", "Lidia", "Sarah", "Rahel", "Agustina", "Rosalina",
                   "Yuliana", "Ester")
_TORAJA_LAST = ("Tandi", "Rante", "Pasulu", "Sampe", "Palimbong", "Tangdilintin", "Allo", "Sarungallo", "Lolo",
                "Bua'", "Sambo", "Tandirerung", "Pakan", "Rombe", "Patandianan", "Kalua'", "Tangke'", "Pa'padan")

_BATAK_FIRST_M = ("Hotman", "Binsar", "Sahat", "Togar", "Martua", "Maruli", "Parulian", "Tumpal", "Jhonson", "Roy",
                  "Robert", "Jonny", "Bonar", "Poltak", "Hasudungan", "Mangasi", "Lamhot", "Posman", "Darwin",
                  "Ferdinand", "Hotlan", "Jansen")
_BATAK_FIRST_F = ("Tiurma", "Lamtiur", "Rosmawati", "Ester", "Debora", "Marintan", "Dame", "Rosa", "Nurmaida",
                  "Hotnida", "Rumondang", "Tetty", "Lasma", "Rotua", "Rugun", "Sondang", "Melva", "Erna",
                  "Juliana", "Masta", "Rismauli")
_BATAK_MARGA = {
    "batak_toba": ("Sitompul", "Nainggolan", "Siregar", "Simanjuntak", "Hutagalung", "Pardede", "Sinaga",
                   "Situmorang", "Simatupang", "Hutapea", "Manurung", "Panjaitan", "Silalahi", "Tampubolon",
                   "Sihombing", "Pasaribu", "Napitupulu", "Hutabarat", "Marpaung", "Samosir", "Gultom", "Sianturi",
                   "Aritonang"),
    "batak_karo": ("Ginting", "Tarigan", "Sembiring", "Sitepu", "Perangin-angin", "Karo-Karo", "Barus", "Bangun",
                   "Sinulingga", "Kaban", "Sebayang"),
    "batak_simalungun": ("Purba", "Saragih", "Damanik", "Girsang", "Sipayung", "Sinaga"),
}
_MANDAILING_M = ("Ahmad", "Muhammad Yusuf", "Khairul", "Syahrial", "Saiful", "Zulkifli", "Irwan", "Ahmad Rasyid",
                 "Mhd. Fadli", "Parlindungan", "Sutan", "Baginda")
_MANDAILING_F = ("Nur Aisyah", "Fitri", "Rahmadani", "Siti Hajar", "Nur'aini", "Masnah", "Rosdiana", "Lanna",
                 "Nurhalimah", "Seri Mulia")
_MANDAILING_MARGA = ("Lubis", "Nasution", "Harahap", "Pulungan", "Rangkuti", "Batubara", "Daulay", "Hasibuan",
                     "Pohan", "Dalimunthe", "Siregar", "Hutasuhut")
_NIAS_FIRST_M = ("Yaredi", "Foaro", "Sokhiaro", "Fatolosa", "Yulius", "Otanius", "Amosi", "Faolo", "Ariston")
_NIAS_FIRST_F = ("Nurhayati", "Sadarni", "Yarni", "Fitri", "Marlina", "Sarofina", "Delima", "Mariani")
_NIAS_MARGA = ("Zebua", "Telaumbanua", "Harefa", "Laoli", "Ndruru", "Lase", "Hulu", "Zai", "Gea", "Waruwu")

_BALINESE_ORDER_M = ("Wayan", "Gede", "Putu", "Made", "Kadek", "Nyoman", "Komang", "Ketut")
_BALINESE_ORDER_F = ("Putu", "Wayan", "Made", "Kadek", "Nyoman", "Komang", "Ketut")
_BALINESE_M = ("Sudarma", "Suarjana", "Artawan", "Wirawan", "Suardana", "Mertayasa", "Astawa", "Sukadana",
               "Arsana", "Suparta", "Widiana", "Suryawan", "Agung", "Adi", "Darmawan", "Sutama", "Budiarta",
               "Mahendra", "Wiradharma", "Pradnyana", "Sedana", "Sudiarsa", "Juliarta", "Eka", "Putra",
               "Wisnawa", "Sumerta")
_BALINESE_F = ("Ayu", "Sekarini", "Maharani", "Dewi", "Kusumawati", "Suartini", "Sriasih", "Ariani", "Suciati",
               "Anggreni", "Ratnadi", "Sukerti", "Astiti", "Widiastuti", "Pradnyaswari", "Candrawati", "Laksmi",
               "Padmawati", "Puspitasari", "Sudiasih", "Murniasih", "Widyantari", "Suastini", "Purnamasari",
               "Mas", "Sri", "Kartika", "Rahayu")
# Caste/title heads: (full head, call-name head, takes birth order?)
_BALINESE_HEADS_M = (
    ("I", "", True, 60), ("I Gusti Ngurah", "Ngurah", False, 8), ("I Gusti Bagus", "Gusti", False, 4),
    ("Ida Bagus", "Gus", False, 10), ("Anak Agung Ngurah", "Gung Ngurah", False, 6),
    ("Anak Agung Gde", "Gung De", False, 4), ("I Dewa Gede", "Dewa", False, 5), ("Cokorda Gde", "Cok", False, 3),
)
_BALINESE_HEADS_F = (
    ("Ni", "", True, 40), ("Ni Luh", "", True, 18), ("I Gusti Ayu", "Gusti Ayu", False, 10),
    ("Ida Ayu", "Dayu", False, 10), ("Anak Agung Istri", "Gung Istri", False, 7),
    ("Anak Agung Ayu", "Gung Ayu", False, 5), ("Desak", "Desak", True, 5), ("Dewa Ayu", "Dewa Ayu", False, 3),
    ("Cokorda Istri", "Cok Istri", False, 2),
)

# Names of real public figures and of people named in the reference post, never generated.
_DENYLIST = ("joko widodo", "sri mulyani", "tutik andriyani", "susilo bambang", "ali sadikin", "rudy hartono",
             "tjilik riwut", "basuki tjahaja", "megawati", "ahmad yani")

# Academic and religious titles (gelar) as written on Indonesian certificates.
_BACHELOR = ("S.Sos.", "S.IP.", "S.Pd.", "S.Kom.", "S.E.", "S.Hum.", "S.S.", "S.H.", "S.T.", "S.Ag.", "A.Md.",
             "S.Pd.I.", "S.IP.", "S.Sos.")
_BACHELOR_MASTER = ("S.IP., M.Hum.", "S.Sos., M.Si.", "S.Pd., M.Pd.", "S.E., M.M.", "S.Sos., M.AP.",
                    "S.Kom., M.Kom.", "S.H., M.H.", "S.IP., M.Si.", "S.S., M.Hum.")
_OLD_MASTER = ("", "", "", "M.Si.", "M.Hum.", "M.Pd.", "M.M.")

# Honorifics that make poor email address parts.
_EMAIL_SKIP = frozenset({
    "i", "ni", "luh", "tb", "br", "dt", "la", "wa", "ode", "moh", "abd", "muh", "mhd", "m", "st", "gusti",
    "anak", "agung", "ida", "bagus", "istri", "cokorda", "dewa", "desak", "gde", "kemas", "kiagus", "masagus",
    "nyimas", "nyayu", "raden", "lalu", "baiq", "aji", "awang", "dayang", "daeng", "uray", "utin", "tengku",
    "wan", "datuk", "syarif", "syarifah", "ratu", "andi", "al", "h", "hj",
})
_WEAK_FIRST = frozenset({"Muhammad", "Mohammad", "Moh.", "Muh.", "Mhd.", "M.", "Abd."})

EMAIL_DOMAINS: tuple[tuple[str, int], ...] = (
    ("mail.example", 55), ("surel.example", 20), ("perpus.example", 15), ("desa.example", 10),
)
# Telkomsel, Indosat, XL and Tri mobile prefixes (after the country code).
PHONE_PREFIXES: tuple[str, ...] = ("811", "812", "813", "821", "822", "852", "853", "857", "858", "877", "878",
                                   "895", "896")

_DIETS = (("", 820), ("halal", 70), ("vegetarian", 50), ("tanpa seafood", 25), ("tanpa kacang", 10),
          ("rendah gula (diabetes)", 10), ("vegan", 5), ("tanpa daging sapi", 10))
_ACCESS_NEEDS = ("kursi roda", "kursi roda; kamar di lantai dasar", "tunanetra, perlu pendamping",
                 "alat bantu dengar, mohon duduk di depan", "kamar di lantai dasar (lutut)")

_ROLE_SHARES = (("facilitator", 24), ("speaker", 6), ("committee", 10))  # per 350 people


@dataclass(frozen=True)
class _Special:
    full_name: str
    name_on_badge: str
    province: str
    culture: str


# Hand-written names that must be in every list: very long titled Balinese and Bugis names to
# stress badges and certificates, one-word Javanese names, apostrophes, hyphens, one shared name.
_SPECIAL_PEOPLE: tuple[_Special, ...] = (
    _Special("Dra. Ni Luh Putu Ayu Sekarini Maharani Dewi Kusumawati, S.Sos., M.Si.", "Putu Ayu",
             "Nusa Tenggara Barat", "balinese"),
    _Special("Dr. Anak Agung Istri Ayu Mas Candrawati Kusumaningrat Dewi Sri Wahyuni Pradnyaparamita, "
             "S.IP., M.Hum.", "Gung Istri Candra", "Nusa Tenggara Barat", "balinese"),
    _Special("I Gusti Ngurah Made Agung Wiradharma Putra Suryawan Kesuma Jaya, S.Kom., M.T.", "Ngurah Agung",
             "Sulawesi Tenggara", "balinese"),
    _Special("Ida Ayu Ketut Sri Padmawati Laksmi Kusumadewi Mahaswari Jelantik, S.S., M.Pd.", "Dayu Ketut",
             "Sumatera Selatan", "balinese"),
    _Special("Dr. Hj. Andi Besse Tenri Ajeng Sompa Patimang Daeng Tasabbi, S.Sos., M.Si.", "Andi Besse",
             "Sulawesi Selatan", "bugis"),
    _Special("Sukarmi", "Sukarmi", "Jawa Tengah", "javanese"),
    _Special("Suparno", "Suparno", "DI Yogyakarta", "javanese"),
    _Special("Mulyono", "Mulyono", "Jawa Timur", "javanese"),
    _Special("Nur'aini", "Nur'aini", "Sumatera Barat", "minang"),
    _Special("Muhammad Ma'ruf", "Ma'ruf", "Jawa Timur", "javanese"),
    _Special("Ahmad Syafi'i", "Ahmad Syafi'i", "Jawa Timur", "madurese"),
    _Special("Ja'far Shodiq", "Ja'far", "Jawa Tengah", "javanese"),
    _Special("Syarifah Nurul Hidayah Al-Qadri", "Syarifah Nurul", "Kalimantan Barat", "malay_pontianak"),
    _Special("Anna-Maria Ingan Lawing", "Anna-Maria", "Kalimantan Timur", "dayak"),
    _Special("Rosmawati br. Perangin-angin", "Rosmawati", "Sumatera Utara", "batak_karo"),
    # Two different people with the same common name, as at every real PLM.
    _Special("Sri Wahyuni", "Sri Wahyuni", "Jawa Tengah", "javanese"),
    _Special("Sri Wahyuni", "Sri Wahyuni", "Nusa Tenggara Barat", "sasak"),
)


@dataclass(frozen=True)
class DemoPerson:
    """One registrant. province is one of SEED_PROVINCES; institution lies in that province."""

    full_name: str
    name_on_badge: str
    email: str
    phone: str
    institution: str
    institution_type: str
    province: str
    role: str
    diet: str
    access_needs: str


def _pick_weighted(rng: random.Random, pairs):
    items = [item for item, _ in pairs]
    weights = [weight for _, weight in pairs]
    return rng.choices(items, weights=weights)[0]


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def _generic_call(core: str) -> str:
    """First and last given name, skipping a leading Muhammad/Moh. that nobody is called by."""
    words = core.split()
    if len(words) > 1 and words[0] in _WEAK_FIRST:
        words = words[1:]
    return words[0] if len(words) == 1 else f"{words[0]} {words[-1]}"


def _prefixed_call(core: str, prefix: str) -> str:
    """Noble or descent prefix plus the first real given name: 'Andi Muhammad Arfah' -> 'Andi Arfah'."""
    words = [w for w in core[len(prefix):].split() if w not in _WEAK_FIRST] or core.split()[-1:]
    return f"{prefix} {words[0]}"


def _islamic(rng: random.Random, female: bool) -> str:
    return rng.choice(_ISLAMIC_F if female else _ISLAMIC_M)


def _name_javanese(rng, female):
    r = rng.random()
    if r < 0.22:
        core = rng.choice(_JAVANESE_MONO_F if female else _JAVANESE_MONO_M)
    elif r < 0.34:
        core = _join(_islamic(rng, female),
                     rng.choice(_JAVANESE_LAST_F if female else _JAVANESE_LAST_M) if rng.random() < 0.4 else "")
    else:
        middle = ""
        first = rng.choice(_JAVANESE_FIRST_F if female else _JAVANESE_FIRST_M)
        if rng.random() < 0.3:
            middle = rng.choice([m for m in (_JAVANESE_MIDDLE_F if female else _JAVANESE_MIDDLE_M) if m != first])
        core = _join(first, middle, rng.choice(_JAVANESE_LAST_F if female else _JAVANESE_LAST_M))
    return core, _generic_call(core)


def _name_sundanese(rng, female):
    r = rng.random()
    if r < 0.08:
        core = rng.choice(_SUNDANESE_MONO)
    elif r < 0.25:
        core = _join(_islamic(rng, female),
                     rng.choice(_SUNDANESE_LAST_F if female else _SUNDANESE_LAST_M) if rng.random() < 0.5 else "")
    else:
        core = _join(rng.choice(_SUNDANESE_FIRST_F if female else _SUNDANESE_FIRST_M),
                     rng.choice(_SUNDANESE_LAST_F if female else _SUNDANESE_LAST_M))
        if rng.random() < 0.15:
            core = _join(core, rng.choice(_SUNDANESE_LAST_F if female else _SUNDANESE_LAST_M))
    return core, _generic_call(core)


def _name_banten(rng, female):
    core, call = _name_sundanese(rng, female)
    if rng.random() < 0.25:  # Tubagus / Ratu: descendants of the Banten sultanate
        prefix = "Ratu" if female else "Tb."
        core = _join(prefix, core)
        call = _prefixed_call(core, prefix)
    return core, call


def _name_betawi(rng, female):
    first = rng.choice(_BETAWI_F if female else _BETAWI_M)
    core = first if rng.random() < 0.35 else _join(first, rng.choice(_BETAWI_LAST))
    if rng.random() < 0.2:
        core = _islamic(rng, female)
    return core, _generic_call(core)


def _name_madurese(rng, female):
    core = rng.choice(_MADURESE_F if female else _MADURESE_M)
    if rng.random() < 0.2:
        core = _islamic(rng, female)
    return core, _generic_call(core)


def _name_minang(rng, female):
    r = rng.random()
    if r < 0.3:
        core = rng.choice(_MINANG_F if female else _MINANG_M)
    elif r < 0.45:
        core = _islamic(rng, female)
    else:
        core = _join(rng.choice(_MINANG_F if female else _MINANG_M),
                     rng.choice(_MINANG_SECOND_F if female else _MINANG_SECOND_M))
    call = _generic_call(core)
    if not female and rng.random() < 0.1:  # penghulu adat title after the name
        call = core
        core = _join(core, rng.choice(_MINANG_DATUK))
    return core, call


def _malay(culture):
    def generate(rng, female):
        if rng.random() < 0.18:
            core = _islamic(rng, female)
        else:
            core = _join(rng.choice(_MALAY_F if female else _MALAY_M),
                         rng.choice(_MALAY_LAST_F if female else _MALAY_LAST_M))
        males, females = _MALAY_PREFIXES[culture]
        prefixes = females if female else males
        if prefixes and rng.random() < 0.18:
            prefix = rng.choice(prefixes)
            core = _join(prefix, core)
            if prefix.startswith("Syarif") and rng.random() < 0.6:
                core = _join(core, rng.choice(_ARAB_SURNAMES))
            return core, _prefixed_call(core, prefix)
        return core, _generic_call(core)
    return generate


def _name_banjar(rng, female):
    if rng.random() < 0.15:
        core = _islamic(rng, female)
    else:
        core = _join(rng.choice(_BANJAR_F if female else _BANJAR_M), rng.choice(_BANJAR_LAST))
        if core in ("Muhammad", "Akhmad"):
            core = _join(core, rng.choice(("Rusdi", "Fahmi", "Arsyad", "Yamani", "Ilmi")))
    if rng.random() < 0.07:  # Gusti: Banjar nobility
        core = _join("Gusti", core)
        return core, _prefixed_call(core, "Gusti")
    return core, _generic_call(core)


def _name_kutai(rng, female):
    core = rng.choice(_KUTAI_F if female else _KUTAI_M)
    if rng.random() < 0.4:
        prefix = rng.choice(("Aji", "Dayang") if female else ("Aji", "Awang"))
        core = _join(prefix, core)
        return core, _prefixed_call(core, prefix)
    return core, _generic_call(core)


def _name_dayak(rng, female):
    first = rng.choice(_DAYAK_FIRST_F if female else _DAYAK_FIRST_M)
    core = _join(first, rng.choice(_DAYAK_NAMES))
    if rng.random() < 0.25:
        core = _join(core, rng.choice(_DAYAK_NAMES))
    return core, _generic_call(core)


def _name_chinese(rng, female):
    core = _join(rng.choice(_CHINESE_FIRST_F if female else _CHINESE_FIRST_M), rng.choice(_CHINESE_LAST))
    return core, core


def _name_sasak(rng, female):
    pool = _SASAK_F if female else _SASAK_M
    core = rng.choice(pool)
    if " " not in core and rng.random() < 0.6:
        core = _join(core, rng.choice([name for name in pool if name != core and " " not in name]))
    if core == "Muhammad":
        core = _join(core, rng.choice(("Saleh", "Zaini", "Ilham", "Sahril")))
    if rng.random() < 0.3:  # Lalu / Baiq: Sasak nobility
        prefix = "Baiq" if female else "Lalu"
        core = _join(prefix, core)
        return core, _prefixed_call(core, prefix)
    return core, _generic_call(core)


def _name_mbojo(rng, female):
    core = _join(rng.choice(_MBOJO_F if female else _MBOJO_M), rng.choice(_MBOJO_LAST))
    return core, _generic_call(core)


def _bugis(makassar):
    def generate(rng, female):
        if rng.random() < 0.15:
            core = _islamic(rng, female)
        else:
            core = _join(rng.choice(_BUGIS_F if female else _BUGIS_M), rng.choice(_BUGIS_LAST))
        if rng.random() < (0.15 if makassar else 0.28):  # Andi: Bugis-Makassar nobility
            core = _join("Andi", rng.choice(_BUGIS_ANDI_F) if female else core)
            return core, _prefixed_call(core, "Andi")
        if not female and rng.random() < (0.3 if makassar else 0.05):
            daeng = rng.choice(_DAENG)
            return _join(core, daeng), daeng  # addressed by the daeng name
        return core, _generic_call(core)
    return generate


def _name_buton(rng, female):
    core = rng.choice(_BUTON_F if female else _BUTON_M)
    r = rng.random()
    if r < 0.25:
        prefix = "Wa Ode" if female else "La Ode"
    elif r < 0.4:
        prefix = "Wa" if female else "La"
    else:
        return core, _generic_call(core)
    core = _join(prefix, core)
    return core, _prefixed_call(core, prefix)


def _name_toraja(rng, female):
    core = _join(rng.choice(_TORAJA_FIRST_F if female else _TORAJA_FIRST_M), rng.choice(_TORAJA_LAST))
    if rng.random() < 0.2:
        core = _join(core, rng.choice(_TORAJA_LAST))
    return core, _generic_call(core)


def _batak(culture):
    def generate(rng, female):
        marga = rng.choice(_BATAK_MARGA[culture])
        first = rng.choice(_BATAK_FIRST_F if female else _BATAK_FIRST_M)
        if rng.random() < 0.3:
            first = _join(first, rng.choice(_BATAK_FIRST_F if female else _BATAK_FIRST_M))
        if female and rng.random() < 0.35:  # boru: "daughter of the clan"
            core = f"{first} br. {marga}"
        else:
            core = _join(first, marga)
        return core, _join(first.split()[0], marga)
    return generate


def _name_mandailing(rng, female):
    core = _join(rng.choice(_MANDAILING_F if female else _MANDAILING_M), rng.choice(_MANDAILING_MARGA))
    return core, _generic_call(core)


def _name_nias(rng, female):
    core = _join(rng.choice(_NIAS_FIRST_F if female else _NIAS_FIRST_M), rng.choice(_NIAS_MARGA))
    return core, core


def _name_balinese(rng, female):
    heads = _BALINESE_HEADS_F if female else _BALINESE_HEADS_M
    head, call_head, takes_order = _pick_weighted(rng, [((h, c, o), w) for h, c, o, w in heads])
    order = ""
    if takes_order or rng.random() < 0.3:
        order = rng.choice(_BALINESE_ORDER_F if female else _BALINESE_ORDER_M)
        if head == "Ni Luh" and order not in ("Putu", "Made", "Nyoman", "Ketut"):
            order = "Putu"
    count = _pick_weighted(rng, ((1, 30), (2, 42), (3, 20), (4, 8)))
    given = rng.sample(_BALINESE_F if female else _BALINESE_M, count)
    core = _join(head, order, *given)
    call = _join(call_head or order, given[0]) if (call_head or order) else given[0]
    return core, call


_NAME_GENERATORS = {
    "javanese": _name_javanese, "sundanese": _name_sundanese, "banten": _name_banten, "betawi": _name_betawi,
    "madurese": _name_madurese, "minang": _name_minang, "malay_palembang": _malay("malay_palembang"),
    "malay_pontianak": _malay("malay_pontianak"), "malay_deli": _malay("malay_deli"),
    "malay_bengkulu": _malay("malay_bengkulu"), "banjar": _name_banjar, "kutai": _name_kutai,
    "dayak": _name_dayak, "chinese": _name_chinese, "sasak": _name_sasak, "mbojo": _name_mbojo,
    "bugis": _bugis(False), "makassar": _bugis(True), "buton": _name_buton, "toraja": _name_toraja,
    "batak_toba": _batak("batak_toba"), "batak_karo": _batak("batak_karo"),
    "batak_simalungun": _batak("batak_simalungun"), "mandailing": _name_mandailing, "nias": _name_nias,
    "balinese": _name_balinese,
}


def _with_titles(rng: random.Random, core: str, female: bool, muslim: bool, senior: bool = False) -> str:
    """Add academic (Drs./Dra./Ir./Dr., S.Sos., M.Si.) and, for Muslims, pilgrimage (H./Hj.) titles.

    Senior people (speakers) always get at least a master's degree.
    """
    prefixes, suffix = [], ""
    r = rng.random() * (0.55 if senior else 1.0)
    if r < 0.2:
        prefixes.append("Dra." if female else "Drs.")
        suffix = rng.choice(_OLD_MASTER[3:] if senior else _OLD_MASTER)
    elif r < 0.25:
        prefixes.append("Ir.")
        suffix = rng.choice(("M.T.", "M.P.", "M.Si.") if senior else ("", "M.T.", "M.P.", "M.Si."))
    elif r < 0.3:
        prefixes.append("Dr.")
        suffix = rng.choice(_BACHELOR_MASTER)
    elif r < 0.55:
        suffix = rng.choice(_BACHELOR_MASTER)
    elif r < 0.92:
        suffix = rng.choice(_BACHELOR)
    if muslim and rng.random() < 0.25:
        prefixes.append("Hj." if female else "H.")
    full = _join(*prefixes, core)
    return f"{full}, {suffix}" if suffix else full


def _badge(full_name: str, core: str, call: str) -> str:
    """The short name printed large on the badge: the whole name when it is short and untitled."""
    if full_name == core and (len(core.split()) <= 2 or len(core) <= 18):
        return core
    badge = call or core
    if len(badge) > 24:
        badge = " ".join(badge.split()[:2])
    return badge


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _email(rng: random.Random, core: str, taken: set[str]) -> str:
    """name-based, lowercase ASCII, unique address at an .example domain."""
    tokens = re.findall(r"[a-z]+", _ascii(core).lower().replace("'", "").replace("-", ""))
    useful = [t for t in tokens if t not in _EMAIL_SKIP and len(t) > 1] or tokens
    first, last = useful[0], useful[-1]
    pattern = rng.randrange(4)
    if len(useful) == 1 or pattern == 0:
        local = first
    elif pattern == 1:
        local = f"{first}.{last}"
    elif pattern == 2:
        local = f"{first}{last}"
    else:
        local = f"{first}_{last}"
    number = rng.randrange(60, 99) if rng.random() < 0.5 else rng.randrange(1, 1000)
    domain = _pick_weighted(rng, EMAIL_DOMAINS)
    while True:
        email = f"{local}{number}@{domain}"
        if email not in taken:
            taken.add(email)
            return email
        number += 1


def _phone(rng: random.Random, taken: set[str]) -> str:
    """E.164 Indonesian mobile number: +62 8xx followed by eight digits."""
    while True:
        phone = "+62" + rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**7, 10**8)}"
        if phone not in taken:
            taken.add(phone)
            return phone


def _province_quota(count: int) -> list[str]:
    """Delegation sizes by largest remainder; each province gets at least one person when count allows."""
    provinces = list(SEED_PROVINCES)
    if count < len(provinces):
        ranked = sorted(provinces, key=lambda p: (-PROVINCE_WEIGHTS[p], provinces.index(p)))
        return ranked[:count]
    rest = count - len(provinces)
    total = sum(PROVINCE_WEIGHTS.values())
    exact = {p: rest * PROVINCE_WEIGHTS[p] / total for p in provinces}
    quota = {p: 1 + int(exact[p]) for p in provinces}
    leftover = count - sum(quota.values())
    for p in sorted(provinces, key=lambda p: (-(exact[p] - int(exact[p])), provinces.index(p)))[:leftover]:
        quota[p] += 1
    return [p for p in provinces for _ in range(quota[p])]


def _role_list(count: int) -> list[str]:
    roles = []
    for role, share in _ROLE_SHARES:
        n = round(count * share / 350)
        if count >= 40:
            n = max(1, n)
        roles += [role] * n
    roles = roles[:count]
    return roles + ["participant"] * (count - len(roles))


class _Institutions:
    """Picks institutions, keeping one name form per library within one generated list."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.forms: dict[str, str] = {}

    def _library(self, key: str, forms: tuple[str, ...], **fields: str) -> str:
        if key not in self.forms:
            self.forms[key] = self.rng.choice(forms)
        return self.forms[key].format(**fields)

    def provincial(self, province: str) -> str:
        return self._library(province, _PROVINCIAL_LIBRARY_FORMS, p=province)

    def regency(self, regency: str) -> str:
        return self._library(regency, _REGENCY_LIBRARY_FORMS, r=regency)

    def pick(self, kind: str, province: str, regency: str) -> str:
        short = regency.replace("Kabupaten ", "Kab. ")
        if kind == "provincial":
            return self.provincial(province)
        if kind == "regency_city":
            return self.regency(regency)
        if kind == "village":
            village = self.rng.choice(VILLAGES[province])  # kelurahan only where no kabupaten is at hand
            if regency.startswith("Kota "):
                return f"Perpustakaan Kelurahan {village}, {short}"
            unit = "Nagari" if province == "Sumatera Barat" else "Desa"
            return f"Perpustakaan {unit} {village}, {short}"
        if kind == "tbm":
            return self.rng.choice(_TBM_FORMS).format(n=self.rng.choice(_TBM_NAMES)) + f", {short}"
        return self.rng.choice(_OTHER_FORMS).format(r=regency)


_TITLE_RE = re.compile(r"^(?:(?:Dra?s?|Dr|Ir|Hj?)\.\s+)+|,.*$")


def _strip_titles(full_name: str) -> str:
    """'Dr. Hj. Andi Besse, S.Sos., M.Si.' -> 'Andi Besse'."""
    return _TITLE_RE.sub("", full_name).strip()


def generate_participants(count: int = 350, seed: int = 2015) -> list[DemoPerson]:
    """`count` realistic registrants from the 16 seed provinces; the same seed gives the same list."""
    rng = random.Random(seed)
    provinces = _province_quota(count)
    rng.shuffle(provinces)
    roles = _role_list(count)
    rng.shuffle(roles)

    # Place the hand-written names on people from their province, at seeded positions.
    specials: dict[int, _Special] = {}
    order = list(range(count))
    rng.shuffle(order)
    for special in _SPECIAL_PEOPLE:
        for index in order:
            if index not in specials and provinces[index] == special.province:
                specials[index] = special
                break

    access = {}
    for index, need in zip(rng.sample(range(count), min(count, len(_ACCESS_NEEDS))), _ACCESS_NEEDS):
        access[index] = need

    institutions = _Institutions(rng)
    emails: set[str] = set()
    phones: set[str] = set()
    speakers_seen = 0
    used_names = {_strip_titles(s.full_name) for s in specials.values()}
    people = []
    for index in range(count):
        province, role = provinces[index], roles[index]
        special = specials.get(index)
        cultures = PROVINCE_CULTURES[province]
        if special:
            culture = special.culture
            regencies = next((r for c, _, r in cultures if c == culture), None) or REGENCIES[province]
        else:
            culture, regencies = _pick_weighted(rng, [((c, r), w) for c, w, r in cultures])
            regencies = regencies or REGENCIES[province]
        regency = rng.choice(regencies)
        # Village libraries are in kabupaten; re-pick from the same area when a kota came up.
        rural = [r for r in regencies if r.startswith("Kabupaten ")]

        if role == "speaker":
            name, kind = _SPEAKER_INSTITUTIONS[speakers_seen % len(_SPEAKER_INSTITUTIONS)]
            speakers_seen += 1
            institution = name or institutions.pick(kind, province, regency)
            title_chance = 1.0
        elif role == "committee":
            kind, institution, title_chance = "other", rng.choice(_COMMITTEE_INSTITUTIONS), 0.35
        elif role == "facilitator" and rng.random() < 0.6:
            kind, institution, title_chance = "other", _FOUNDATION, 0.35
        else:
            kind = _pick_weighted(rng, _PARTICIPANT_INSTITUTION_WEIGHTS)
            if role == "facilitator" and kind in ("village", "tbm"):
                kind = "regency_city"  # library-based facilitators work for the regency library
            if kind == "village" and regency.startswith("Kota ") and rural:
                regency = rng.choice(rural)
            institution = institutions.pick(kind, province, regency)
            title_chance = {"provincial": 0.6, "regency_city": 0.45, "other": 0.5}.get(kind, 0.1)

        female = rng.random() < 0.55
        if special:
            full_name, badge = special.full_name, special.name_on_badge
            core = full_name
        else:
            for attempt in range(6):  # a repeated name is fine now and then, as at a real event
                core, call = _NAME_GENERATORS[culture](rng, female)
                if any(bad in core.lower() for bad in _DENYLIST):
                    continue
                if core not in used_names or attempt >= 3:
                    break
            used_names.add(core)
            full_name = core
            if rng.random() < title_chance:
                full_name = _with_titles(rng, core, female, culture in _MUSLIM_CULTURES, senior=role == "speaker")
            if len(full_name) > 120:
                full_name = core
            badge = _badge(full_name, core, call)

        people.append(DemoPerson(
            full_name=full_name,
            name_on_badge=badge,
            email=_email(rng, core if not special else _strip_titles(full_name), emails),
            phone=_phone(rng, phones),
            institution=institution,
            institution_type=kind,
            province=province,
            role=role,
            diet=_pick_weighted(rng, _DIETS),
            access_needs=access.get(index, ""),
        ))
    return people
