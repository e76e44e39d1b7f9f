// Optimistic locking under a real race: several clients PATCH the same
// record with the same version at once; exactly one wins, the others get
// 409 with the current record, and the audit log holds only the winner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipUnlessStack, signIn, activitiesOf, year, auditCount } from './accounts.mjs';

skipUnlessStack();

test('same version, eight writers at once: one 200, seven 409, one audit row', async () => {
  const writers = [];
  for (const login of ['koseki-staff', 'koseki-manager', 'admin', 'koseki-staff',
    'koseki-manager', 'admin', 'koseki-staff', 'admin']) writers.push(await signIn(login));
  const activity = (await activitiesOf('戸籍住民課'))[1];
  const original = await year(activity.id);
  const auditBefore = auditCount('activity_year', `${activity.id}/2024`);

  const answers = await Promise.all(writers.map((w, i) =>
    w.patch(`/api/activities/${activity.id}/years/2024`, { result: `同時編集 ${i}` },
      { headers: { 'If-Match': `"${original.version}"` } })));
  const statuses = answers.map((a) => a.status).sort();
  assert.deepEqual(statuses, [200, 409, 409, 409, 409, 409, 409, 409]);
  const winner = answers.findIndex((a) => a.status === 200);
  for (const a of answers.filter((x) => x.status === 409)) {
    // The loser sees what won, to show the user what changed.
    assert.equal(a.body.result, `同時編集 ${winner}`);
    assert.equal(a.body.version, original.version + 1);
    assert.equal(a.headers.get('etag'), `"${original.version + 1}"`);
  }
  const now = await year(activity.id);
  assert.equal(now.result, `同時編集 ${winner}`);
  assert.equal(auditCount('activity_year', `${activity.id}/2024`), auditBefore + 1);

  // Restore the seed's text (for the tests that compare with the report).
  const r = await writers[0].patch(`/api/activities/${activity.id}/years/2024`, { result: original.result },
    { headers: { 'If-Match': `"${now.version}"` } });
  assert.equal(r.status, 200);
});

test('text is stored exactly as sent; a stale If-Match is 409, a missing one 428', async () => {
  const staff = await signIn('koseki-staff');
  const activity = (await activitiesOf('戸籍住民課'))[2];
  const original = await year(activity.id);
  const tricky = `'; DROP TABLE activity; -- <script>alert("x")</script>\n改行　全角スペース ＡＩ`;
  let r = await staff.patch(`/api/activities/${activity.id}/years/2024`, { plan_next: tricky },
    { headers: { 'If-Match': `"${original.version}"` } });
  assert.equal(r.status, 200);
  assert.equal((await year(activity.id)).plan_next, tricky);
  r = await staff.patch(`/api/activities/${activity.id}/years/2024`, { plan_next: 'stale' },
    { headers: { 'If-Match': `"${original.version}"` } });
  assert.equal(r.status, 409);
  r = await staff.patch(`/api/activities/${activity.id}/years/2024`, { plan_next: 'none' });
  assert.equal(r.status, 428);
  r = await staff.patch(`/api/activities/${activity.id}/years/2024`, { plan_next: 'x'.repeat(4001) },
    { headers: { 'If-Match': `"${original.version + 1}"` } });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'plan_next');
  r = await staff.patch(`/api/activities/${activity.id}/years/2024`, { plan_next: original.plan_next },
    { headers: { 'If-Match': `"${original.version + 1}"` } });
  assert.equal(r.status, 200);
  assert.equal((await year(activity.id)).plan_next, original.plan_next);
});
