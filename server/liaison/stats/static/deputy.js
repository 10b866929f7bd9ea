/* 代表履职档案页面的图表（ECharts，本地提供） */
(function () {
  var r = JSON.parse(document.getElementById('record-data').textContent);
  var c = echarts.init(document.getElementById('chart-months'), null, { renderer: 'canvas' });
  c.setOption({
    tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 30, right: 10, top: 36, bottom: 30, containLabel: true },
    xAxis: { type: 'category', data: r.months.map(function (m) { return m.month.slice(5) + '月'; }) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [['check_ins', '进站'], ['receptions', '接待'], ['opinions_in', '被点将'], ['in_time', '按期答复']]
      .map(function (s) { return { name: s[1], type: 'bar', data: r.months.map(function (m) { return m[s[0]]; }) }; })
  });
  window.addEventListener('resize', function () { c.resize(); });
})();
