/* 区域报告页面的图表（ECharts，本地提供） */
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var areas = data.areas.map(function (a) { return a.name; });
  // A phone is 360–375 px wide: legends stay plain (they wrap onto a second line, where
  // a scrolling legend would hide entries) and the plot starts below them.
  var narrow = document.documentElement.clientWidth < 480;
  var legend = { type: 'plain', top: 0, left: 'center', itemWidth: 14, itemGap: narrow ? 8 : 12,
                 textStyle: { fontSize: 12 } };
  function grid(legendItems) {
    var rows = narrow && legendItems > 3 ? 2 : 1;
    return { left: 8, right: 16, top: legendItems ? 14 + rows * 22 : 28,
             bottom: areas.length > 4 ? 10 : 8, containLabel: true };
  }
  var axisLabel = { interval: 0, rotate: areas.length > 4 ? 40 : 0, fontSize: 11 };
  var charts = [];
  function chart(id, option) {
    var c = echarts.init(document.getElementById(id), null, { renderer: 'canvas' });
    c.setOption(option); charts.push(c);
  }
  chart('chart-stations', {
    tooltip: { trigger: 'axis' }, legend: legend, grid: grid(2),
    xAxis: { type: 'category', data: areas, axisLabel: axisLabel }, yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: '中心站', type: 'bar', stack: 's', data: data.areas.map(function (a) { return a.central_stations; }) },
      { name: '特色站等', type: 'bar', stack: 's', data: data.areas.map(function (a) { return a.feature_stations; }) }
    ]
  });
  // A tooltip formatter returns HTML: names typed by staff go in escaped (ECharts' own
  // default tooltips escape them already).
  var text = echarts.format.encodeHTML;
  chart('chart-deputies', {
    tooltip: { trigger: 'axis', formatter: function (p) {
      var a = data.areas[p[0].dataIndex]; return text(a.name) + '<br>' + (a.min_deputies === null ? '无' : a.min_deputies + '~' + a.max_deputies + ' 人'); } },
    grid: grid(0), xAxis: { type: 'category', data: areas, axisLabel: axisLabel }, yAxis: { type: 'value', name: '人' },
    series: [
      { type: 'bar', stack: 'r', itemStyle: { color: 'transparent' }, data: data.areas.map(function (a) { return a.min_deputies || 0; }) },
      { name: '代表数范围', type: 'bar', stack: 'r', itemStyle: { color: '#c62828' },
        data: data.areas.map(function (a) { return (a.max_deputies || 0) - (a.min_deputies || 0) || 0.5; }),
        markLine: { symbol: 'none', lineStyle: { type: 'dashed' }, label: { position: 'insideEndTop', formatter: '{c} 人' },
                    data: [{ yAxis: data.thresholds.min_deputies }, { yAxis: data.thresholds.max_deputies }] } }
    ]
  });
  chart('chart-trend', {
    tooltip: { trigger: 'axis' }, legend: legend, grid: grid(5),
    xAxis: { type: 'category', data: data.trend.map(function (m) { return m.month.slice(5) + '月'; }) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [['active_days', '活动天数'], ['receptions', '接待次数'], ['opinions_in', '收到意见'], ['closed', '办结'], ['late', '超期']]
      .map(function (s) { return { name: s[1], type: 'line', data: data.trend.map(function (m) { return m[s[0]]; }) }; })
  });
  window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
})();
