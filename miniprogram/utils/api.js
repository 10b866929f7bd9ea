// The backend endpoints of docs/API.md, one function each.
const config = require('./config')
const { currentUser, download, request, upload, submitOnce } = require('./request')

const enc = encodeURIComponent

module.exports = {
  me: () => request('/api/v1/me'),
  // The user for the deputy's pages: the stored login when it is a deputy's, else GET /me
  // (a binding made elsewhere shows at once).
  /** @returns {Promise<{user: any}>} */
  whoAmI: () => {
    const user = currentUser()
    return user && user.deputy_id ? Promise.resolve({ user }) : request('/api/v1/me')
  },
  // The 6-digit code a web page (admin 我的, H5 我的账号) showed: that web account joins this one.
  linkWebAccount: (code) => request('/api/v1/me/link', { method: 'POST', data: { code } }),
  // A deputy binds this WeChat with the invitation code from their station, and the code of
  // the getPhoneNumber button when the invitation asks for the phone on the deputy's record.
  /** @param {string} code @param {string} [phoneCode] */
  acceptInvitation: (code, phoneCode) =>
    request('/api/v1/invitations/' + enc(code) + '/accept', {
      method: 'POST',
      data: phoneCode ? { phone_code: phoneCode } : {},
    }),

  // Places and codes: public, no login needed.
  resolveCode: (token) => request('/api/v1/codes/' + enc(token), { auth: false }),
  /** @param {{q?: string, regionId?: number, page?: number, perPage?: number}} [opts] */
  listStations: ({ q, regionId, page, perPage } = {}) =>
    request('/api/v1/stations', {
      auth: false,
      query: { q, region_id: regionId, page, per_page: perPage },
    }),
  getStation: (id) => request('/api/v1/stations/' + enc(id), { auth: false }),
  getDeputy: (id) => request('/api/v1/deputies/' + enc(id), { auth: false }),
  // A code's images (public): the QR code and the printable contact card.
  /** @param {string} token @param {'qr.png' | 'poster.png'} file */
  codeImageUrl: (token, file) => config.apiBase() + '/api/v1/codes/' + enc(token) + '/' + file,
  receptionDays: (stationId) =>
    request('/api/v1/stations/' + enc(stationId) + '/reception-days', { auth: false }),

  // Check-in of a deputy at their station (进站履职), from a scan of the station code,
  // with the phone's GCJ-02 position when the deputy allowed location (else without).
  /** @param {string} token @param {{latitude: number, longitude: number} | null} [position] */
  checkIn: (token, position) =>
    request('/api/v1/check-ins', {
      method: 'POST',
      data: position ? { token, latitude: position.latitude, longitude: position.longitude } : { token },
    }),

  // The deputy's duty: who booked a day of their rota, the year's duty record and its files.
  dayBookings: (dayId) => request('/api/v1/reception-days/' + enc(dayId) + '/appointments'),
  dutyRecord: (deputyId) => request('/api/v1/stats/deputies/' + enc(deputyId) + '/duty-record'),
  /** @param {number} deputyId @param {'xlsx' | 'pdf'} kind */
  dutyRecordFile: (deputyId, kind) => download('/api/v1/stats/deputies/' + enc(deputyId) + '/duty-record.' + kind),

  // The deputy's closed-session suggestions (我的建议) and what became of each, newest first.
  /** @param {number} [page] */
  mySuggestions: (page) => request('/api/v1/suggestions', { query: { mine: 'true', page } }),
  // Whether WeChat reaches the caller through the official account (the duty reminder).
  officialAccount: () => request('/api/v1/notifications/official-account'),

  // Appointments.
  createAppointment: (body) => request('/api/v1/appointments', { method: 'POST', data: body }),
  listAppointments: () => request('/api/v1/appointments'),
  cancelAppointment: (id) => request('/api/v1/appointments/' + enc(id) + '/cancel', { method: 'POST' }),

  // Opinions.
  opinionCategories: () => request('/api/v1/opinion-categories'),
  uploadPhoto: (filePath) => upload('/api/v1/uploads', filePath),
  // {opinion} (201/200), or {intake} (202) in a busy moment: then getIntake until registered.
  createOpinion: (draftId, body) => submitOnce(draftId, '/api/v1/opinions', body),
  getIntake: (id) => request('/api/v1/opinion-intakes/' + enc(id)),
  /** @param {{stateGroup?: string, page?: number}} [opts] */
  listOpinions: ({ stateGroup, page } = {}) =>
    request('/api/v1/opinions', { query: { state_group: stateGroup, page } }),
  getOpinion: (id) => request('/api/v1/opinions/' + enc(id)),
  // A deputy's 工作台: the opinions that summoned them (deputyId) and their stations' opinions.
  /** @param {{deputyId?: number, state?: string, overdue?: boolean, q?: string, page?: number}} [opts] */
  deputyOpinions: ({ deputyId, state, overdue, q, page } = {}) =>
    request('/api/v1/opinions', {
      query: { deputy_id: deputyId, state, overdue: overdue ? 'true' : undefined, q, sort: 'urgent', page },
    }),
  // One step of the workflow (note, urge, to_suggestion for a deputy) on the version seen.
  /** @param {number|string} id @param {string} action @param {Object<string, any>} fields @param {number} [version] */
  opinionAction: (id, action, fields, version) =>
    request('/api/v1/opinions/' + enc(id) + '/transitions', {
      method: 'POST',
      data: Object.assign({ action, version: version === undefined ? null : version }, fields),
    }),
  rateOpinion: (id, rating, comment) =>
    request('/api/v1/opinions/' + enc(id) + '/transitions', {
      method: 'POST',
      data: { action: 'rate', rating, comment: comment || '' },
    }),

  // Draft-law consultations (立法意见征集): open ones of a station, one draft, a comment on
  // the whole draft (article null) or on one article.
  stationConsultations: (stationId) =>
    request('/api/v1/consultations', { auth: false, query: { station_id: stationId } }),
  getConsultation: (id) => request('/api/v1/consultations/' + enc(id)),
  /** @param {number|string} id @param {number|null} article @param {string} text */
  commentConsultation: (id, article, text) =>
    request('/api/v1/consultations/' + enc(id) + '/comments', { method: 'POST', data: { article, text } }),

  // Notifications and messages.
  // moment: progress | rated | booked (what the tap is about); public, no login needed.
  /** @param {string} [moment] */
  notificationTemplates: (moment) =>
    request('/api/v1/notifications/templates', { auth: false, query: { audience: 'resident', moment } }),
  reportConsents: (results) =>
    request('/api/v1/notifications/consents', { method: 'POST', data: { results } }),
  listMessages: () => request('/api/v1/messages'),
  readMessage: (id) => request('/api/v1/messages/' + enc(id) + '/read', { method: 'POST' }),
}
