const { signedIn, flush } = require('../helpers/fake-wx')
const { loadPage, resetApp, textOf, tap, fire } = require('../helpers/page')
const { DEPUTY_OPINIONS, DEPUTY_USER, USER, ok } = require('../helpers/fixtures')

let fake
beforeEach(() => {
  resetApp()
  fake = signedIn(DEPUTY_USER)
})

const empty = { items: [], total: 0, page: 1, per_page: 20 }

test('opens on the opinions that summoned the deputy, filters by tab and search, opens one', async () => {
  fake.route('GET', '/api/v1/opinions', (r) => ({ statusCode: 200, data: r.query.deputy_id === '12' ? DEPUTY_OPINIONS : empty }))
  const { comp, page } = loadPage('pages/workbench/workbench', {})
  await flush()
  const text = textOf(comp)
  expect(text).toContain('点将我的')
  expect(text).toContain('LL-2026-000060')
  expect(text).toContain('望月湖小区三栋楼道灯坏了两个星期')
  expect(text).toContain('点将：李秀兰')
  expect(fake.requestsTo('GET', '/api/v1/opinions')[0].query).toEqual({ deputy_id: '12', sort: 'urgent', page: '1' })

  await tap(comp, '#tab-overdue')
  expect(fake.requestsTo('GET', '/api/v1/opinions').pop().query).toEqual({ overdue: 'true', sort: 'urgent', page: '1' })
  expect(textOf(comp)).toContain('这里没有符合条件的意见')

  await tap(comp, '#tab-open')
  page.onSearchInput({ detail: { value: '楼道灯' } })
  page.onSearch()
  await flush()
  expect(fake.requestsTo('GET', '/api/v1/opinions').pop().query).toEqual({ state: 'open', q: '楼道灯', sort: 'urgent', page: '1' })

  await tap(comp, '#tab-summoned')
  await tap(comp, '.opinion-item')
  expect(fake.lastCall('navigateTo').url).toBe('/pages/deputy-opinion/deputy-opinion?id=60')

  // 我的建议: the suggestions made from these opinions and what became of them.
  expect(text).toContain('我的建议')
  await tap(comp, '#suggestions-btn')
  expect(fake.lastCall('navigateTo').url).toBe('/pages/suggestions/suggestions')
})

test('someone who is not a deputy is offered the binding instead of a list', async () => {
  fake = signedIn(USER)
  const { comp } = loadPage('pages/workbench/workbench', {})
  await flush()
  expect(textOf(comp)).toContain('您还没有绑定代表身份')
  expect(fake.requestsTo('GET', '/api/v1/opinions')).toHaveLength(0)
  await fire(comp, '#not-deputy', 'primary')
  expect(fake.lastCall('navigateTo').url).toBe('/pages/deputy-me/deputy-me')
})

test('a failed load says why and retries', async () => {
  fake.route('GET', '/api/v1/opinions', () => ({ fail: 'request:fail timeout' }))
  const { comp } = loadPage('pages/workbench/workbench', {})
  await flush()
  expect(textOf(comp)).toContain('加载失败')
  fake.route('GET', '/api/v1/opinions', ok(DEPUTY_OPINIONS))
  await fire(comp, '#list-error', 'primary')
  await flush()
  expect(textOf(comp)).toContain('LL-2026-000060')
})
