/* The door's offline rules, pure (no DOM): as plm/checkin/service.py, plm/tickets.py, plm/text.py.
   Both sides answer the cases in tests/data/door_judging_cases.json (node --test tests/js/, pytest). */

export const PUBLIC_ID_RE = /^[A-Z2-9]{6,16}$/;
const MAX_CODE_LENGTH = 120;
const SLUG_RE = /^[A-Z0-9][A-Z0-9-]{0,39}$/, TICKET_ID_RE = /^[A-Z0-9]{1,16}$/, MAC_RE = /^[A-Z2-7]{13}$/;
const STAFF_ENTRY_SOURCES = ['manual', 'walk-in', 'paper'];
export const STATUS = {r: 'registered', w: 'waitlisted', c: 'cancelled'};

/* As plm.text.fold_for_search: accents off, case folded, runs of spaces as one. */
export function fold(s) {
  return String(s || '').normalize('NFKD').replace(/\p{Mn}/gu, '').toLowerCase()
    .replace(/ß/g, 'ss').replace(/ς/g, 'σ').replace(/\s+/g, ' ').trim();
}

/* SHA-256 (hex) in plain JS: crypto.subtle only exists on HTTPS/localhost, the door may be on plain LAN HTTP. */
export const sha256 = (function () {
  const k = [];
  const frac = (x) => ((x - Math.floor(x)) * 4294967296) | 0;
  for (let i = 2, j = 0; j < 64; i++) {
    let prime = true;
    for (let d = 2; d * d <= i; d++) if (i % d === 0) { prime = false; break; }
    if (prime) k[j++] = frac(Math.pow(i, 1 / 3));
  }
  return function (text) {
    const bytes = unescape(encodeURIComponent(text)), n = bytes.length, words = [], w = [];
    const h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    let i;
    for (i = 0; i < n; i++) words[i >> 2] |= bytes.charCodeAt(i) << (24 - (i % 4) * 8);
    words[n >> 2] |= 0x80 << (24 - (n % 4) * 8);
    words[((n + 8) >> 6 << 4) + 15] = n * 8;
    for (let blk = 0; blk < words.length; blk += 16) {
      let a = h.slice();
      for (i = 0; i < 64; i++) {
        if (i < 16) w[i] = words[blk + i] | 0;
        else {
          const x = w[i - 15], y = w[i - 2];
          w[i] = (((x >>> 7 | x << 25) ^ (x >>> 18 | x << 14) ^ (x >>> 3)) + w[i - 16] +
                  ((y >>> 17 | y << 15) ^ (y >>> 19 | y << 13) ^ (y >>> 10)) + w[i - 7]) | 0;
        }
        const e = a[4], b0 = a[0];
        const t1 = (a[7] + ((e >>> 6 | e << 26) ^ (e >>> 11 | e << 21) ^ (e >>> 25 | e << 7)) +
                    ((e & a[5]) ^ (~e & a[6])) + k[i] + w[i]) | 0;
        const t2 = (((b0 >>> 2 | b0 << 30) ^ (b0 >>> 13 | b0 << 19) ^ (b0 >>> 22 | b0 << 10)) +
                    ((b0 & a[1]) ^ (b0 & a[2]) ^ (a[1] & a[2]))) | 0;
        a = [(t1 + t2) | 0].concat(a.slice(0, 7));
        a[4] = (a[4] + t1) | 0;
      }
      for (i = 0; i < 8; i++) h[i] = (h[i] + a[i]) | 0;
    }
    return h.map((v) => ('00000000' + (v >>> 0).toString(16)).slice(-8)).join('');
  };
})();

/* "HH:MM" in the event's timezone, as the server's local_hm. */
export function hmFormatter(timeZone) {
  const f = new Intl.DateTimeFormat('en-GB', {hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: timeZone || undefined});
  return (when) => f.format(new Date(when));
}

/* The event-local date (YYYY-MM-DD) of a moment. */
export function localDay(when, timeZone) {
  const parts = {};
  new Intl.DateTimeFormat('en-CA', {year: 'numeric', month: '2-digit', day: '2-digit', timeZone: timeZone || undefined})
    .formatToParts(new Date(when)).forEach((x) => { parts[x.type] = x.value; });
  return parts.year + '-' + parts.month + '-' + parts.day;
}

/* As service.outside_day: *when* is outside *day* (midnight to midnight, event time) widened by the margin. */
export function outsideDay(day, when, timeZone, marginHours) {
  const t = new Date(when).getTime(), m = (marginHours || 0) * 3600000;
  return !(localDay(t - m, timeZone) <= day && day <= localDay(t + m, timeZone));
}

/* The snapshot's rows as participants, by code digest and by id. */
export function indexSnapshot(data) {
  const byDigest = {}, byId = {};
  if (!data) return {byDigest, byId};
  const f = data.fields || [], at = (name, fallback) => { const i = f.indexOf(name); return i < 0 ? fallback : i; };
  const iFull = at('full_name', -1), iSigned = at('signed_up', 7);
  data.participants.forEach((row) => {
    const p = {id: row[0], name: row[1], institution: row[2], province: row[3], status: row[4],
               digest: row[5], at: row[6], full_name: iFull >= 0 ? row[iFull] : row[1],
               signed: data.signup_required ? row[iSigned] === 1 : true};
    byDigest[p.digest] = p; byId[p.id] = p;
  });
  return {byDigest, byId};
}

/* As tickets.parse_code: the parts of a well-formed ticket code (upper case), else null. */
export function parseCode(text) {
  if (typeof text !== 'string' || text.length > MAX_CODE_LENGTH) return null;
  const trimmed = text.trim();
  if (!/^[\x00-\x7f]*$/.test(trimmed)) return null;
  const parts = trimmed.toUpperCase().split(':');
  if (parts.length !== 4 || parts[0] !== 'PLM1') return null;
  if (!(SLUG_RE.test(parts[1]) && TICKET_ID_RE.test(parts[2]) && MAC_RE.test(parts[3]))) return null;
  return {slug: parts[1], id: parts[2], mac: parts[3], text: parts.join(':')};
}

/* One scan, in record_scan's order. *local*: this phone's check-ins here ({id: "HH:MM"}); *ctx*: {hm, day,
   timeZone, dayMarginHours}. `record: true`: the caller notes the check-in in *local*. */
export function judge(item, data, index, local, ctx) {
  ctx = ctx || {};
  if (!data) return {result: 'queued', participant: null};
  const upper = String(item.code).trim().toUpperCase();
  let p = null;
  if (upper.indexOf('PLM1:') !== 0 && PUBLIC_ID_RE.test(upper)) {
    if (STAFF_ENTRY_SOURCES.indexOf(item.source) < 0) return {result: 'invalid', participant: null, reason: 'public_id_needs_manual'};
    p = index.byId[upper];
    if (!p) return {result: 'unknown', participant: null};
  } else {
    const code = parseCode(item.code);
    if (!code) return {result: 'invalid', participant: null};
    if (data.prefix.indexOf('PLM1:' + code.slug + ':') !== 0) return {result: 'wrong_event', participant: null};
    p = index.byDigest[sha256(code.text).slice(0, 16)];
    if (!p) return {result: index.byId[code.id] ? 'invalid' : 'unknown', participant: null};
  }
  let at = (local && local[p.id]) || p.at, result, reason;
  if (p.status === 'c') result = 'cancelled';
  else if (p.status !== 'r') { result = 'invalid'; reason = STATUS[p.status] || 'waitlisted'; }
  else if (ctx.day && ctx.dayMarginHours != null && !item.correction &&
           outsideDay(ctx.day, item.scanned_at, ctx.timeZone, ctx.dayMarginHours)) result = 'wrong_day';
  else if (!p.signed && !item.override) result = 'not_signed_up';
  else if (at) result = 'already';
  else result = 'ok';
  const answer = {result, participant: {id: p.id, name: p.name, full_name: p.full_name, institution: p.institution, province: p.province},
                  checked_in_local: at || null, by: result === 'already' ? '' : item.device, reason};
  if (result === 'ok') {
    answer.checked_in_local = ctx.hm ? ctx.hm(item.scanned_at) : null;
    answer.record = true;
  }
  if (result === 'wrong_day') answer.day = ctx.day;
  return answer;
}

/* As service.match_rank (*q* folded). */
export function matchRank(q, fullName, badge) {
  const names = [fold(fullName), fold(badge)];
  if (names.some((n) => n && n.indexOf(q) === 0)) return 0;
  const words = q.split(' '), joined = names.join(' '), tokens = joined.split(/\s+/);
  if (words.every((w) => tokens.some((t) => t.indexOf(w) === 0))) return 1;
  if (words.every((w) => joined.indexOf(w) >= 0)) return 2;
  return 3;
}

/* As service.search_participants: every word somewhere, best match first. */
export function searchOffline(index, local, q, limit) {
  const folded = fold(q), words = folded.split(' ').slice(0, 5);
  return Object.keys(index.byId).map((id) => index.byId[id]).filter((p) => {
    const hay = fold(p.full_name + ' ' + p.name + ' ' + p.institution);
    return words.every((w) => hay.indexOf(w) >= 0);
  }).map((p) => ({p, rank: matchRank(folded, p.full_name, p.name), key: fold(p.full_name)}))
    .sort((a, b) => a.rank - b.rank || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || (a.p.id < b.p.id ? -1 : 1))
    .slice(0, limit || 20).map(({p}) => ({
      id: p.id, name: p.name, full_name: p.full_name, institution: p.institution, province: p.province,
      status: STATUS[p.status], checked_in_local: (local && local[p.id]) || p.at}));
}
