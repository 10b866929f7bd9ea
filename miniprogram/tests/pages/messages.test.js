const { createFakeWx, withLogin, flush } = require('../helpers/fake-wx')
const { loadPage, resetApp, textOf, tap } = require('../helpers/page')
const { ok } = require('../helpers/fixtures')

let fake
beforeEach(() => {
  resetApp()
  fake = withLogin(createFakeWx())
  global.wx = fake
})

test('lists messages, marks unread ones, opens the opinion', async () => {
  fake.route('GET', '/api/v1/messages', ok({
    items: [
      { id: 2, title: '您的意见已答复', body: '岳麓区交警大队已答复，请查看并评价。', opinion_id: 41, at: '2026-11-28T15:01:00+08:00', read: false },
      { id: 1, title: '您的意见已受理', body: '岳麓街道人大代表联络站已受理。', opinion_id: 41, at: '2026-11-21T09:00:00+08:00', read: true },
    ],
  }))
  const { comp } = loadPage('pages/messages/messages', {})
  await flush()
  expect(textOf(comp)).toContain('您的意见已答复')
  expect(textOf(comp)).toContain('2026-11-28 15:01')
  expect(comp.querySelectorAll('.message-item')).toHaveLength(2)
  expect(comp.querySelectorAll('.unread-dot')).toHaveLength(1)
  await tap(comp, '.message-item')
  expect(fake.lastCall('navigateTo').url).toBe('/pages/opinion/opinion?id=41')
})

test('empty and error states', async () => {
  fake.route('GET', '/api/v1/messages', ok({ items: [] }))
  let { comp } = loadPage('pages/messages/messages', {})
  await flush()
  expect(textOf(comp)).toContain('暂无消息')
  fake.route('GET', '/api/v1/messages', () => ({ statusCode: 503, data: { error: { code: 'wechat_unavailable', message: '服务繁忙，请稍后再试' } } }))
  ;({ comp } = loadPage('pages/messages/messages', {}))
  await flush()
  expect(textOf(comp)).toContain('服务繁忙，请稍后再试')
})
