const { createFakeWx, withLogin, flush } = require('../helpers/fake-wx')
const { loadPage, resetApp, textOf, tap } = require('../helpers/page')
const { MY_APPOINTMENTS, APPOINTMENT_CANCELLED, APPOINTMENT_GONE, APPOINTMENT, APPOINTMENT_PAST, ok, fail } = require('../helpers/fixtures')

let fake
beforeEach(() => {
  resetApp()
  fake = withLogin(createFakeWx())
  global.wx = fake
})

test('lists bookings to come and past ones, cancels one after confirming', async () => {
  fake.route('GET', '/api/v1/appointments', ok(MY_APPOINTMENTS))
  const { comp } = loadPage('pages/appointments/appointments', {})
  await flush()
  expect(comp.querySelectorAll('.upcoming-list .booking-item')).toHaveLength(1)
  expect(comp.querySelectorAll('.past-list .booking-item')).toHaveLength(1)
  expect(textOf(comp.querySelector('.upcoming-list'))).toContain('12月15日 周二')
  expect(textOf(comp.querySelector('.upcoming-list'))).toContain('09:00-11:30')
  expect(textOf(comp.querySelector('.past-list'))).toContain('已过期')
  // Only the booking to come can be cancelled.
  expect(comp.querySelectorAll('.cancel-btn')).toHaveLength(1)

  fake.route('POST', '/api/v1/appointments/5/cancel', ok(APPOINTMENT_CANCELLED))
  fake.route('GET', '/api/v1/appointments', ok({ items: [APPOINTMENT_CANCELLED.appointment, APPOINTMENT_PAST] }))
  await tap(comp, '.cancel-btn')
  await flush()
  expect(fake.lastCall('showModal').content).toBe('确定取消12月15日 周二在岳麓街道人大代表联络站的接待预约吗？')
  expect(fake.requestsTo('POST', '/api/v1/appointments/5/cancel')).toHaveLength(1)
  expect(fake.lastCall('showToast').title).toBe('已取消预约')
  expect(comp.querySelectorAll('.cancel-btn')).toHaveLength(0)
  expect(comp.querySelectorAll('.upcoming-list .booking-item')).toHaveLength(1)
  expect(textOf(comp.querySelector('.upcoming-list'))).toContain('已取消')
})

test('declining the confirmation keeps the booking; a booking cancelled meanwhile says so', async () => {
  fake.route('GET', '/api/v1/appointments', ok(MY_APPOINTMENTS))
  const { comp } = loadPage('pages/appointments/appointments', {})
  await flush()
  fake.answers.modalConfirm = false
  await tap(comp, '.cancel-btn')
  await flush()
  expect(fake.requestsTo('POST', '/api/v1/appointments/5/cancel')).toHaveLength(0)
  fake.answers.modalConfirm = true
  fake.route('POST', '/api/v1/appointments/5/cancel', fail(409, APPOINTMENT_GONE))
  await tap(comp, '.cancel-btn')
  await flush()
  expect(fake.lastCall('showToast').title).toBe('这个预约已经取消了')
})

test('the station address opens the map at the station, or says it has no place', async () => {
  const noPlace = Object.assign({}, APPOINTMENT, { station: Object.assign({}, APPOINTMENT.station, { latitude: null, longitude: null }) })
  fake.route('GET', '/api/v1/appointments', ok({ items: [APPOINTMENT, Object.assign({}, noPlace, { id: 6 })] }))
  const { comp } = loadPage('pages/appointments/appointments', {})
  await flush()
  const addresses = comp.querySelectorAll('.station-address')
  expect(addresses).toHaveLength(2)
  await tap(comp, '#address-5')
  expect(fake.lastCall('openLocation')).toMatchObject({
    latitude: 28.1765, longitude: 112.9423, name: '岳麓街道人大代表联络站', address: '岳麓区麓山南路 8 号',
  })
  await tap(comp, '#address-6')
  expect(fake.called('openLocation')).toHaveLength(1)
  expect(fake.lastCall('showToast').title).toBe('联络站尚未登记地图位置')
})

test('empty and error states', async () => {
  fake.route('GET', '/api/v1/appointments', ok({ items: [] }))
  let { comp } = loadPage('pages/appointments/appointments', {})
  await flush()
  expect(textOf(comp)).toContain('暂无预约')
  fake.route('GET', '/api/v1/appointments', () => ({ statusCode: 503, data: { error: { code: 'wechat_unavailable', message: '服务繁忙，请稍后再试' } } }))
  ;({ comp } = loadPage('pages/appointments/appointments', {}))
  await flush()
  expect(textOf(comp)).toContain('服务繁忙，请稍后再试')
})
