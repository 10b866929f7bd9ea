const { createFakeWx, withLogin, flush } = require('../helpers/fake-wx')
const { loadPage, resetApp, textOf, tap } = require('../helpers/page')
const { OPINION, OPINION_RATED, ok } = require('../helpers/fixtures')

let fake
beforeEach(() => {
  resetApp()
  fake = withLogin(createFakeWx())
  global.wx = fake
  fake.route('GET', '/api/v1/opinions/41', ok({ opinion: OPINION }))
})

test('shows text, photos, reply, timeline and the rate button', async () => {
  const { comp } = loadPage('pages/opinion/opinion', { id: '41', created: '1' })
  await flush()
  const text = textOf(comp)
  expect(text).toContain('提交成功')
  expect(text).toContain('编号 LL-2026-000041')
  expect(text).toContain('已答复')
  expect(text).toContain('希望延长行人绿灯时间')
  expect(text).toContain('已协调交警部门将行人绿灯延长至45秒。')
  expect(text).toContain('138****1234')
  expect(text).toContain('2026-12-20')
  expect(comp.data.opinion.photos).toEqual(['https://liaison.example.gov.cn/uploads/up-1.jpg'])
  const timeline = comp.querySelector('timeline') || comp.querySelector('.card >>> .timeline')
  expect(text).toContain('已登记')
  expect(timeline).toBeTruthy()
  await tap(comp, '#rate-btn')
  expect(fake.lastCall('navigateTo').url).toBe('/pages/rate/rate?id=41')
})

// The backend sends reply.unit as {id, name} (or null): the page shows the unit's name.
test('shows the name of the unit that replied', async () => {
  const { comp } = loadPage('pages/opinion/opinion', { id: '41' })
  await flush()
  expect(textOf(comp)).toContain('岳麓区交警大队')
  expect(textOf(comp)).not.toContain('[object Object]')
})

test('a rated opinion shows the rating and no rate button', async () => {
  fake.route('GET', '/api/v1/opinions/41', ok({ opinion: OPINION_RATED }))
  const { comp, page } = loadPage('pages/opinion/opinion', { id: '41' })
  await flush()
  expect(textOf(comp)).toContain('基本满意')
  expect(textOf(comp)).toContain('还可以')
  expect(textOf(comp)).not.toContain('提交成功')
  expect(comp.querySelector('#rate-btn')).toBeFalsy()
  // Coming back to the page reloads it.
  page.onShow()
  await flush()
  expect(fake.requestsTo('GET', '/api/v1/opinions/41')).toHaveLength(2)
})

test('someone else\'s opinion: the backend message is shown', async () => {
  fake.route('GET', '/api/v1/opinions/7', () => ({ statusCode: 403, data: { error: { code: 'forbidden', message: '无权查看此意见' } } }))
  const { comp } = loadPage('pages/opinion/opinion', { id: '7' })
  await flush()
  expect(textOf(comp)).toContain('无权查看此意见')
})
