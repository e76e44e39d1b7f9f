// The status workflow through nginx, as the issue tells it: koseki-staff
// proposes ○→△ with a reason, sangyo-manager may not decide it,
// koseki-manager approves, the FY2024 summary follows, the audit shows both
// steps. Then the same road back (△→○) restores the seed for other tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipUnlessStack, signIn, anonymous, activitiesOf, year } from './accounts.mjs';

skipUnlessStack();

const counts = async () => {
  const s = (await anonymous.get('/api/reports/2024/summary')).body;
  return Object.fromEntries(s.counts.map((c) => [c.mark, c.count]));
};

async function propose(client, activityId, status, reason) {
  return client.post(`/api/activities/${activityId}/years/2024/status-requests`, { status, reason });
}

test('○→△ proposed, refused to another department, approved, counted, audited', async () => {
  const staff = await signIn('koseki-staff');
  const manager = await signIn('koseki-manager');
  const other = await signIn('sangyo-manager');
  const activity = (await activitiesOf('戸籍住民課')).find((a) => a.status === 'on_schedule');
  assert.deepEqual(await counts(), { '◎': 0, '○': 102, '△': 3, '×': 0 });

  const p = await propose(staff, activity.id, 'delayed', '庁内システム改修の遅れのため');
  assert.equal(p.status, 201, p.text);
  assert.equal(p.body.state, 'pending');
  assert.equal(p.body.from_mark, '○');
  assert.equal(p.body.to_mark, '△');
  // Nothing changes before the decision.
  assert.equal((await year(activity.id)).status, 'on_schedule');

  const inbox = await manager.get('/api/status-requests');
  assert.equal(inbox.status, 200);
  assert.ok(inbox.body.items.some((r) => r.id === p.body.id && r.can_decide));
  const otherInbox = await other.get('/api/status-requests');
  assert.ok(!otherInbox.body.items.some((r) => r.id === p.body.id));

  const refused = await other.post(`/api/status-requests/${p.body.id}/decision`, { decision: 'approve' });
  assert.equal(refused.status, 403);
  const self = await staff.post(`/api/status-requests/${p.body.id}/decision`, { decision: 'approve' });
  assert.equal(self.status, 403);

  const ok = await manager.post(`/api/status-requests/${p.body.id}/decision`, { decision: 'approve', comment: '了承' });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.state, 'approved');
  assert.equal(ok.body.decided_by.login, 'koseki-manager');
  const again = await manager.post(`/api/status-requests/${p.body.id}/decision`, { decision: 'approve' });
  assert.equal(again.status, 409);

  assert.deepEqual(await counts(), { '◎': 0, '○': 101, '△': 4, '×': 0 });
  const y = await year(activity.id);
  assert.equal(y.status, 'delayed');
  assert.equal(y.change_reason, '庁内システム改修の遅れのため');

  const history = await staff.get(`/api/audit?entity=status_request&id=${p.body.id}`);
  assert.equal(history.status, 200);
  assert.deepEqual(history.body.items.map((i) => [i.user.login, i.action, i.after.state]),
    [['koseki-manager', 'update', 'approved'], ['koseki-staff', 'insert', 'pending']]);
  const yearHistory = await staff.get(`/api/audit?entity=activity_year&id=${activity.id}/2024`);
  const last = yearHistory.body.items[0];
  assert.equal(last.user.login, 'koseki-manager');
  assert.equal(last.before.status, 'on_schedule');
  assert.equal(last.after.status, 'delayed');

  // Back to ○ the same way; a move to ○ needs no reason.
  const back = await propose(staff, activity.id, '○');
  assert.equal(back.status, 201, back.text);
  const ok2 = await manager.post(`/api/status-requests/${back.body.id}/decision`, { decision: 'approve' });
  assert.equal(ok2.status, 200);
  assert.deepEqual(await counts(), { '◎': 0, '○': 102, '△': 3, '×': 0 });
});

test('rules of proposing: reason for △ and ×, one pending at a time, withdrawal', async () => {
  const staff = await signIn('koseki-staff');
  const manager = await signIn('koseki-manager');
  const activity = (await activitiesOf('戸籍住民課')).find((a) => a.status === 'on_schedule');
  const path = `/api/activities/${activity.id}/years/2024/status-requests`;

  let r = await staff.post(path, { status: '×' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'reason');
  r = await staff.post(path, { status: 'on_schedule' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'status');
  r = await staff.post(path, { status: 'bogus' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'status');

  const first = await staff.post(path, { status: 'exceeded', reason: '前倒しで完了' });
  assert.equal(first.status, 201);
  const second = await manager.post(path, { status: 'delayed', reason: '別の理由' });
  assert.equal(second.status, 409);
  // Only the requester withdraws.
  r = await manager.post(`/api/status-requests/${first.body.id}/withdrawal`);
  assert.equal(r.status, 403);
  r = await staff.post(`/api/status-requests/${first.body.id}/withdrawal`);
  assert.equal(r.status, 200);
  assert.equal(r.body.state, 'withdrawn');
  r = await manager.post(`/api/status-requests/${first.body.id}/decision`, { decision: 'approve' });
  assert.equal(r.status, 409);
  assert.equal((await year(activity.id)).status, 'on_schedule');

  // A rejection leaves the status alone and frees the slot.
  const third = await staff.post(path, { status: 'exceeded', reason: '再申請' });
  assert.equal(third.status, 201);
  r = await manager.post(`/api/status-requests/${third.body.id}/decision`, { decision: 'reject', comment: '根拠不足' });
  assert.equal(r.status, 200);
  assert.equal(r.body.state, 'rejected');
  assert.equal((await year(activity.id)).status, 'on_schedule');
});
