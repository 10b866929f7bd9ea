const privacy = require('./utils/privacy')
const { login, getToken } = require('./utils/request')

App({
  globalData: {
    // Set by the station page so the submit page can show the station name
    // without fetching it again.
    lastStation: null,
  },

  onLaunch() {
    privacy.install()
    // Log in early so the first authenticated call does not wait; failures
    // are retried by the request layer on demand.
    if (!getToken()) login().catch(() => {})
  },
})
