const { createFakeWx, withLogin, flush } = require('../helpers/fake-wx')
const { loadPage, resetApp, textOf, tap, fire } = require('../helpers/page')
const { APPOINTMENTS, ok } = require('../helpers/fixtures')

let fake
beforeEach(() => {
  resetApp()
  fake = withLogin(createFakeWx())
  global.wx = fake
  fake.route('GET', '/api/v1/appointments', ok(APPOINTMENTS))
})

test('large text switch is stored and applied at once', async () => {
  const { comp } = loadPage('pages/settings/settings', {})
  await flush()
  expect(comp.data.pageClass).toBe('page')
  await fire(comp, '#large-text-switch', 'change', { value: true })
  expect(fake.storage.get('pref_large_text')).toBe(true)
  expect(comp.data.pageClass).toBe('page large-text')
  expect(comp.data.largeText).toBe(true)
  await fire(comp, '#large-text-switch', 'change', { value: false })
  expect(fake.storage.get('pref_large_text')).toBe(false)
  expect(comp.data.pageClass).toBe('page')
})

test('shows my appointments and opens the privacy guideline', async () => {
  const { comp } = loadPage('pages/settings/settings', {})
  await flush()
  expect(textOf(comp)).toContain('岳麓街道人大代表联络站')
  expect(textOf(comp)).toContain('12月15日 周二')
  expect(textOf(comp)).toContain('已预约')
  await tap(comp, '#privacy-link')
  expect(fake.called('openPrivacyContract')).toHaveLength(1)
})
