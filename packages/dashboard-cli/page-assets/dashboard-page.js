// The dashboard page's script: draws the charts from the page's JSON block with uPlot (inlined
// before it). Everything the charts show is also in the page's tables, which need no script.
// Tests and curious operators find the chart instances in window.obsDashboard.charts.
(() => {
  const HEIGHT = 260;
  const root = document.documentElement;
  const block = document.getElementById('dashboard-data');
  const data = JSON.parse(block ? block.textContent : '{}');
  const theme = data.theme;
  const charts = {};
  window.obsDashboard = { charts, data, drawnMs: null };

  const grid = { stroke: '#d0d7de', width: 1 };
  const pad = (number) => String(number).padStart(2, '0');

  /** `2026-11-24 12:00` (UTC) for an epoch second */
  function utcMinute(seconds) {
    const at = new Date(seconds * 1000);
    return `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())} ${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}`;
  }

  /** 24-hour UTC tick labels: the time, with the date under midnight; dates alone for day steps. */
  function utcTicks(_chart, splits, _axis, _space, increment) {
    return splits.map((seconds) => {
      const [date, time] = utcMinute(seconds).split(' ');
      if (increment >= 86_400) return date.slice(5);
      return time === '00:00' ? `${time}\n${date.slice(5)}` : time;
    });
  }

  /** The x series of a time chart: its legend value is the UTC minute. */
  const timeSeries = {
    label: 'UTC',
    value: (_chart, seconds) => (seconds == null ? '—' : utcMinute(seconds)),
  };

  function figureOf(name) {
    return document.querySelector(`figure[data-chart="${name}"]`);
  }

  function widthOf(figure) {
    return Math.max(240, Math.floor(figure.querySelector('.chart-canvas').clientWidth));
  }

  function countPresent(column) {
    let count = 0;
    for (const value of column) if (value !== null && value !== undefined) count += 1;
    return count;
  }

  /** x positions where at least one of the columns has a value */
  function countRows(columns) {
    let count = 0;
    for (let index = 0; index < columns[0].length; index += 1) {
      if (columns.some((column) => column[index] !== null && column[index] !== undefined)) count += 1;
    }
    return count;
  }

  function line(label, colour, width = 1.5) {
    return { label, stroke: colour, width };
  }

  function axes(yLabel, time = true) {
    const x = { stroke: theme.muted, grid, ticks: grid };
    if (time) x.values = utcTicks;
    else {
      x.incrs = [1];
      x.values = (_u, splits) => splits.map((value) => (Number.isInteger(value) ? `#${value}` : ''));
    }
    return [x, { label: yLabel, stroke: theme.muted, grid, ticks: grid }];
  }

  /** Shades [start, end] ranges (epoch seconds) under the series. */
  function shadeRanges(ranges) {
    return (chart) => {
      const { ctx, bbox } = chart;
      ctx.save();
      ctx.fillStyle = theme.breachShade;
      for (const [start, end] of ranges) {
        const left = Math.max(bbox.left, chart.valToPos(start, 'x', true));
        const right = Math.min(bbox.left + bbox.width, chart.valToPos(end, 'x', true));
        if (right > left) ctx.fillRect(left, bbox.top, right - left, bbox.height);
      }
      ctx.restore();
    };
  }

  function mount(name, options, columns, points) {
    const figure = figureOf(name);
    if (!figure) return;
    try {
      const target = figure.querySelector('.chart-canvas');
      charts[name] = new uPlot({ height: HEIGHT, ...options, width: widthOf(figure) }, columns, target);
      figure.dataset.points = String(points);
      figure.dataset.drawn = 'true';
    } catch (error) {
      figure.dataset.drawn = 'false';
      const message = document.createElement('p');
      message.className = 'notice error';
      message.textContent = 'This chart could not be drawn; the table below holds its figures.';
      figure.append(message);
      console.error(`chart ${name}:`, error);
    }
  }

  function drawLatency(latency) {
    const timeScale = { time: true, range: [latency.x[0], latency.xMax] };
    const shade = { drawClear: [shadeRanges(latency.breaches)] };
    const series = [
      timeSeries,
      line('p50', theme.series[0]),
      line('p95', theme.series[1], 2),
      line('p99', theme.series[3]),
    ];
    const columns = [latency.x, latency.p50, latency.p95, latency.p99];
    if (latency.slo !== null) {
      series.push({
        label: `SLO ${latency.slo} ms`,
        stroke: theme.slo,
        width: 1.5,
        dash: [6, 4],
        points: { show: false },
      });
      columns.push(latency.x.map(() => latency.slo));
    }
    mount(
      'latency',
      { scales: { x: timeScale }, series, axes: axes('ms'), hooks: shade },
      columns,
      countPresent(latency.p95),
    );

    const percent = (value) => (value === null ? null : Math.round(value * 1e6) / 1e4);
    const failureSeries = [timeSeries, line('failure rate %', theme.series[1], 2)];
    const failureColumns = [latency.x, latency.failureRate.map(percent)];
    if (latency.failureRateThreshold !== null) {
      const threshold = percent(latency.failureRateThreshold);
      failureSeries.push({
        label: `threshold ${threshold} %`,
        stroke: theme.slo,
        width: 1.5,
        dash: [6, 4],
        points: { show: false },
      });
      failureColumns.push(latency.x.map(() => threshold));
    }
    mount(
      'failure_rate',
      { scales: { x: timeScale }, series: failureSeries, axes: axes('%'), hooks: shade },
      failureColumns,
      countPresent(latency.failureRate),
    );
  }

  function drawEv(ev) {
    const series = [
      timeSeries,
      ...ev.labels.map((label, index) => ({
        ...line(label, theme.series[index % theme.series.length]),
        spanGaps: true,
      })),
    ];
    const points = ev.lcb.reduce((sum, column) => sum + countPresent(column), 0);
    mount('ev', { series, axes: axes('win-rate LCB') }, [ev.x, ...ev.lcb], points);
  }

  function drawSlippage(chart, index) {
    const series = [
      timeSeries,
      line('narrow', theme.series[0]),
      line('normal', theme.series[2]),
      line('wide', theme.series[1]),
    ];
    const bands = [chart.bands.narrow, chart.bands.normal, chart.bands.wide];
    mount(`slippage-${index}`, { series, axes: axes('slip.a') }, [chart.x, ...bands], countRows(bands));
  }

  function drawTurnover(turnover) {
    const series = [
      { label: 'run', value: (_u, value) => (value === null ? '—' : turnover.labels[value - 1]) },
      { ...line('trades / day', theme.series[0], 2), scale: 'trades' },
      { ...line('trades / active day', theme.series[2], 2), scale: 'trades' },
      { ...line('win rate %', theme.series[1], 2), scale: '%' },
    ];
    const [xAxis, tradesAxis] = axes('trades', false);
    const rateAxis = { label: 'win rate %', scale: '%', side: 1, stroke: theme.muted, grid: { show: false } };
    const winRate = turnover.winRate.map((value) => (value === null ? null : Math.round(value * 1e5) / 1e3));
    mount(
      'turnover',
      {
        scales: { x: { time: false, range: [0.5, turnover.x.length + 0.5] }, trades: {}, '%': {} },
        series,
        axes: [xAxis, { ...tradesAxis, scale: 'trades' }, rateAxis],
      },
      [turnover.x, turnover.perDay, turnover.perActiveDay, winRate],
      countRows([turnover.perDay, turnover.perActiveDay, winRate]),
    );
  }

  function showPageAge() {
    const ageHours = (Date.now() - Date.parse(data.generatedAt)) / 3_600_000;
    const notice = document.getElementById('page-age');
    if (!notice || !(ageHours > 2)) return;
    const age = ageHours < 48 ? `${Math.round(ageHours)} hours` : `${Math.round(ageHours / 24)} days`;
    notice.textContent = `This page was generated ${age} ago: its figures may be out of date.`;
    notice.hidden = false;
  }

  if (data.latency) drawLatency(data.latency);
  if (data.ev) drawEv(data.ev);
  (data.slippage || []).forEach(drawSlippage);
  if (data.turnover) drawTurnover(data.turnover);
  showPageAge();

  let pending = false;
  window.addEventListener('resize', () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      for (const [name, chart] of Object.entries(charts)) {
        const figure = figureOf(name);
        if (figure) chart.setSize({ width: widthOf(figure), height: HEIGHT });
      }
    });
  });

  window.obsDashboard.drawnMs = performance.now();
  root.dataset.chartsReady = 'true';
})();
