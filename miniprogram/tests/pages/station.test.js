const { createFakeWx, withLogin, flush } = require('../helpers/fake-wx')
const { loadPage, resetApp, textOf, tap, fire, app } = require('../helpers/page')
const { STATION, RECEPTION_DAYS, APPOINTMENT, CONSULTATIONS, ok } = require('../helpers/fixtures')

let fake
beforeEach(() => {
  resetApp()
  fake = withLogin(createFakeWx())
  global.wx = fake
  fake.route('GET', '/api/v1/stations/3', ok({ station: STATION }))
  fake.route('GET', '/api/v1/stations/3/reception-days', ok(RECEPTION_DAYS))
})

test('shows the station, reception days and deputies', async () => {
  const { comp, page } = loadPage('pages/station/station', { id: '3' })
  expect(textOf(comp)).toContain('正在加载')
  await flush()
  const text = textOf(comp)
  expect(text).toContain('岳麓街道人大代表联络站')
  expect(text).toContain('岳麓区岳麓大道1号')
  expect(text).toContain('周一至周五 9:00-17:00')
  expect(text).toContain('12月15日 周二')
  expect(text).toContain('09:00–11:30')
  expect(text).toContain('接待代表：李秀兰')
  expect(text).toContain('已约满')
  expect(text).toContain('驻站代表（2）')
  expect(text).toContain('本月接待日改在社区服务中心二楼')
  expect(comp.querySelectorAll('.deputy-item')).toHaveLength(2)
  expect(fake.lastCall('setNavigationBarTitle').title).toBe('岳麓街道人大代表联络站')
  expect(app.globalData.lastStation).toEqual({ id: 3, name: '岳麓街道人大代表联络站' })
  expect(page.onShareAppMessage()).toEqual({ title: '岳麓街道人大代表联络站', path: '/pages/index/index?token=Kx3pQ9vT2mWb7nRc' })
})

test('opens a deputy and the submit page', async () => {
  const { comp } = loadPage('pages/station/station', { id: '3' })
  await flush()
  await tap(comp, '.deputy-item >>> .deputy-card')
  expect(fake.lastCall('navigateTo').url).toBe('/pages/deputy/deputy?id=12')
  await tap(comp, '#submit-btn')
  expect(fake.lastCall('navigateTo').url).toBe(
    '/pages/submit/submit?station_id=3&station_name=' + encodeURIComponent('岳麓街道人大代表联络站')
  )
  await tap(comp, '#my-appointments')
  expect(fake.lastCall('navigateTo').url).toBe('/pages/appointments/appointments')
})

test('books an appointment on a reception day', async () => {
  fake.route('POST', '/api/v1/appointments', (r) => ({
    statusCode: 201,
    data: { appointment: Object.assign({}, APPOINTMENT, { date: r.data.date, note: r.data.note }) },
  }))
  const { comp } = loadPage('pages/station/station', { id: '3' })
  await flush()
  const full = comp.querySelectorAll('.book-btn')[1]
  full.dispatchEvent('tap')
  await flush()
  expect(comp.data.booking).toBeNull()
  await tap(comp, '.book-btn')
  expect(textOf(comp)).toContain('预约接待')
  await fire(comp, '#booking-note', 'input', { value: '小区路灯不亮' })
  await tap(comp, '#booking-confirm')
  const sent = fake.requestsTo('POST', '/api/v1/appointments')
  expect(sent).toHaveLength(1)
  expect(sent[0].data).toEqual({ station_id: 3, date: '2026-12-15', note: '小区路灯不亮' })
  expect(sent[0].header.Authorization).toBe('Bearer token-1')
  expect(fake.lastCall('showModal').title).toBe('预约成功')
  expect(comp.data.booking).toBeNull()
})

test('a failed booking keeps the sheet open with the reason', async () => {
  fake.route('POST', '/api/v1/appointments', () => ({
    statusCode: 409, data: { error: { code: 'conflict', message: '该接待日名额已满' } },
  }))
  const { comp } = loadPage('pages/station/station', { id: '3' })
  await flush()
  await tap(comp, '.book-btn')
  await tap(comp, '#booking-confirm')
  expect(textOf(comp)).toContain('该接待日名额已满')
  await tap(comp, '#booking-cancel')
  expect(textOf(comp)).not.toContain('预约接待')
})

test('load failure offers a retry', async () => {
  let down = true
  fake.route('GET', '/api/v1/stations/3', () => (down ? { fail: 'request:fail' } : { statusCode: 200, data: { station: STATION } }))
  const { comp } = loadPage('pages/station/station', { id: '3' })
  await flush()
  expect(textOf(comp)).toContain('网络不可用，请检查网络后重试')
  down = false
  await tap(comp, '#load-error >>> #status-primary')
  expect(textOf(comp)).toContain('岳麓街道人大代表联络站')
})

test('booking asks, from the confirm tap, for the reminder of the day, then books', async () => {
  const booked = { items: [{ event: 'appointment_reminder', template_id: 'tmpl-appointment', kind: 'one_time', title: '预约接待提醒' }],
    request_ids: ['tmpl-appointment'], request_groups: [['tmpl-appointment']] }
  fake.route('GET', '/api/v1/notifications/templates', ok(booked))
  fake.route('POST', '/api/v1/notifications/consents', ok({ ok: true }))
  fake.route('POST', '/api/v1/appointments', () => ({ statusCode: 201, data: { appointment: APPOINTMENT } }))
  const { comp, page } = loadPage('pages/station/station', { id: '3' })
  await flush()
  expect(fake.requestsTo('GET', '/api/v1/notifications/templates')[0].query).toEqual({ audience: 'resident', moment: 'booked' })
  await tap(comp, '.book-btn')
  expect(fake.called('requestSubscribeMessage')).toHaveLength(0) // choosing the day is not the moment
  page.onConfirmBooking()
  expect(fake.called('requestSubscribeMessage')).toHaveLength(1) // inside the confirm tap
  expect(fake.lastCall('requestSubscribeMessage').tmplIds).toEqual(['tmpl-appointment'])
  await flush()
  expect(fake.requestsTo('POST', '/api/v1/notifications/consents')[0].data.results).toEqual({ 'tmpl-appointment': 'accept' })
  expect(fake.requestsTo('POST', '/api/v1/appointments')).toHaveLength(1)
  expect(fake.lastCall('showModal').title).toBe('预约成功')
})

test('lists the open consultations sent to the station and opens one', async () => {
  fake.route('GET', '/api/v1/consultations', ok(CONSULTATIONS))
  const { comp } = loadPage('pages/station/station', { id: '3' })
  await flush()
  expect(fake.requestsTo('GET', '/api/v1/consultations')[0].query).toEqual({ station_id: '3' })
  expect(textOf(comp)).toContain('立法意见征集')
  expect(textOf(comp)).toContain('岳麓区文明行为促进条例（草案）')
  expect(textOf(comp)).toContain('2 条 · 欢迎提出意见')
  await tap(comp, '.consultation-item')
  expect(fake.lastCall('navigateTo').url).toBe('/pages/consultation/consultation?id=5')
})

test('no consultation section when none is open (or the list fails)', async () => {
  const { comp } = loadPage('pages/station/station', { id: '3' })
  await flush()
  expect(textOf(comp)).not.toContain('立法意见征集')
})
