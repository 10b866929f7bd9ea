const { createFakeWx, withLogin, flush } = require('../helpers/fake-wx')
const { loadPage, resetApp, textOf, tap } = require('../helpers/page')
const { OPINION, brief } = require('../helpers/fixtures')

let fake
beforeEach(() => {
  resetApp()
  fake = withLogin(createFakeWx())
  global.wx = fake
})

test('lists my open opinions, switches tabs, opens one', async () => {
  const open = Object.assign(brief(OPINION), { id: 42, state: 'accepted', state_label: '已受理', state_group: 'open', overdue: true })
  fake.route('GET', '/api/v1/opinions', (r) => ({
    statusCode: 200,
    data: r.query.state_group === 'open'
      ? { items: [open], total: 1, page: 1, per_page: 20 }
      : { items: [], total: 0, page: 1, per_page: 20 },
  }))
  const { comp } = loadPage('pages/opinions/opinions', {})
  await flush()
  const text = textOf(comp)
  expect(text).toContain('已受理')
  expect(text).toContain('已超期')
  expect(text).toContain('LL-2026-000041')
  expect(text).toMatch(/交通出行 · 岳麓街道人大代表联络站 ?· 李秀兰代表/)
  expect(text).toContain('2026年11月20日 10:15')
  expect(fake.requests.find((r) => r.path === '/api/v1/opinions').query).toEqual({ state_group: 'open', page: '1' })
  await tap(comp, '.opinion-item')
  expect(fake.lastCall('navigateTo').url).toBe('/pages/opinion/opinion?id=42')

  await tap(comp, '#tab-closed')
  expect(fake.requests[fake.requests.length - 1].query.state_group).toBe('closed')
  expect(textOf(comp)).toContain('暂无记录')
  await tap(comp, '#list-empty >>> #status-primary')
  expect(fake.lastCall('switchTab').url).toBe('/pages/index/index')
})

test('pages through long lists', async () => {
  fake.route('GET', '/api/v1/opinions', (r) => ({
    statusCode: 200,
    data: { items: [Object.assign(brief(OPINION), { id: Number(r.query.page) })], total: 2, page: Number(r.query.page), per_page: 1 },
  }))
  const { comp, page } = loadPage('pages/opinions/opinions', {})
  await flush()
  page.onReachBottom()
  await flush()
  expect(comp.querySelectorAll('.opinion-item')).toHaveLength(2)
  page.onReachBottom()
  await flush()
  expect(fake.requestsTo('GET', '/api/v1/opinions')).toHaveLength(2)
})

test('shows the error with a retry', async () => {
  fake.route('GET', '/api/v1/opinions', () => ({ fail: 'request:fail' }))
  const { comp } = loadPage('pages/opinions/opinions', {})
  await flush()
  expect(textOf(comp)).toContain('网络不可用，请检查网络后重试')
})
