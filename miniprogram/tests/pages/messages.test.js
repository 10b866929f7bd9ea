const { createFakeWx, withLogin, flush } = require('../helpers/fake-wx')
const { loadPage, resetApp, textOf, tap } = require('../helpers/page')
const { MESSAGES, ok } = require('../helpers/fixtures')

let fake
beforeEach(() => {
  resetApp()
  fake = withLogin(createFakeWx())
  global.wx = fake
})

test('lists messages, marks unread ones, opens the opinion', async () => {
  fake.route('GET', '/api/v1/messages', ok(MESSAGES))
  const { comp } = loadPage('pages/messages/messages', {})
  await flush()
  expect(textOf(comp)).toContain('您的意见已答复')
  expect(textOf(comp)).toContain('2026年11月28日 15:01')
  expect(comp.querySelectorAll('.message-item')).toHaveLength(2)
  expect(comp.querySelectorAll('.unread-dot')).toHaveLength(1)
  fake.route('POST', '/api/v1/messages/2/read', ok({ ok: true }))
  await tap(comp, '.message-item')
  expect(fake.lastCall('navigateTo').url).toBe('/pages/opinion/opinion?id=41')
  // Opening an unread message marks it read, here and on the backend (the H5 list too).
  await flush()
  expect(fake.requestsTo('POST', '/api/v1/messages/2/read')).toHaveLength(1)
  expect(comp.querySelectorAll('.unread-dot')).toHaveLength(0)
})

test('empty and error states', async () => {
  fake.route('GET', '/api/v1/messages', ok(Object.assign({}, MESSAGES, { items: [], total: 0, unread: 0 })))
  let { comp } = loadPage('pages/messages/messages', {})
  await flush()
  expect(textOf(comp)).toContain('暂无消息')
  fake.route('GET', '/api/v1/messages', () => ({ statusCode: 503, data: { error: { code: 'wechat_unavailable', message: '服务繁忙，请稍后再试' } } }))
  ;({ comp } = loadPage('pages/messages/messages', {}))
  await flush()
  expect(textOf(comp)).toContain('服务繁忙，请稍后再试')
})
