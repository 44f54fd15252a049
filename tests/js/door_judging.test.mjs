// The door's offline judge (static/js/door/judge.js) against the table the server's tests use
// (tests/data/door_judging_cases.json, also read by tests/test_door_judging_cases.py). Run: node --test tests/js/
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {hmFormatter, indexSnapshot, judge, sha256, searchOffline} from '../../static/js/door/judge.js';

const CASES = JSON.parse(readFileSync(new URL('../data/door_judging_cases.json', import.meta.url), 'utf8'));
const TZ = CASES.event.timezone;

function judgeOffline(c) {
  const data = CASES.snapshots[c.checkpoint];
  const item = {code: c.code, checkpoint: 1, client_uuid: 'door-case', device: 'Pintu 2', source: c.source || 'qr',
                scanned_at: c.scanned_at || CASES.default_scanned_at};
  if (c.override) item.override = true;
  if (c.correction) item.correction = true;
  return judge(item, data, indexSnapshot(data), {}, {
    hm: hmFormatter(TZ), timeZone: TZ, day: CASES.checkpoints[c.checkpoint].day, dayMarginHours: CASES.day_margin_hours});
}

test('the snapshot digests are sha256 of the tickets, as the server makes them', () => {
  const digests = new Set(CASES.snapshots.day.participants.map((row) => row[5]));
  for (const p of CASES.participants) assert.ok(digests.has(sha256(p.code).slice(0, 16)), p.id);
});

for (const c of CASES.judging) {
  test(`judging: ${c.case}`, () => {
    const answer = judgeOffline(c);
    const offline = c.expect_offline || c.expect;
    assert.equal(answer.result, offline);
    if ('participant' in c && !c.expect_offline) assert.equal(answer.participant && answer.participant.id, c.participant);
    if ('reason' in c) assert.equal(answer.reason, c.reason);
    if ('checked_in_local' in c) assert.equal(answer.checked_in_local, c.checked_in_local);
  });
}

for (const c of CASES.search) {
  test(`search: ${JSON.stringify(c.query)}`, () => {
    const index = indexSnapshot(CASES.snapshots.day);
    assert.deepEqual(searchOffline(index, {}, c.query).map((r) => r.id), c.expect);
  });
}

test('a phone with no snapshot yet queues the scan unjudged', () => {
  const answer = judge({code: CASES.participants[0].code, source: 'qr'}, null, indexSnapshot(null), {}, {});
  assert.equal(answer.result, 'queued');
});

test("a check-in made on this phone counts as already, with this phone's time", () => {
  const data = CASES.snapshots.day, p = CASES.participants[0];
  const answer = judge({code: p.code, source: 'qr', scanned_at: CASES.default_scanned_at}, data, indexSnapshot(data),
                       {[p.id]: '08:15'}, {hm: hmFormatter(TZ)});
  assert.equal(answer.result, 'already');
  assert.equal(answer.checked_in_local, '08:15');
});
