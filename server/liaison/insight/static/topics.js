/* 民意研判页面的图表（ECharts，本地提供）：各话题本时段与上一时段的意见数 */
(function () {
  var el = document.getElementById('chart-topics');
  if (!el) { return; }
  var data = JSON.parse(document.getElementById('topics-data').textContent);
  var topics = data.topics.slice(0, 15).reverse();  // largest on top
  var text = echarts.format.encodeHTML;  // labels come from residents' words
  var chart = echarts.init(el, null, { renderer: 'canvas' });
  el.style.height = Math.max(220, topics.length * 34 + 60) + 'px';
  chart.resize();
  chart.setOption({
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: function (p) {
      var t = topics[p[0].dataIndex];
      return text(t.label) + '<br>本时段 ' + t.size + ' 条，上一时段 ' + t.trend.previous + ' 条'; } },
    legend: { top: 0, left: 'center', itemWidth: 14, textStyle: { fontSize: 12 } },
    grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: topics.map(function (t) { return t.label; }), axisLabel: { fontSize: 12 } },
    series: [
      { name: '本时段', type: 'bar', data: topics.map(function (t) { return t.size; }), itemStyle: { color: '#c62828' } },
      { name: '上一时段', type: 'bar', data: topics.map(function (t) { return t.trend.previous; }), itemStyle: { color: '#9e9e9e' } }
    ]
  });
  window.addEventListener('resize', function () { chart.resize(); });
})();
