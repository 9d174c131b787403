/**
 * The dashboard's time charts, drawn with uPlot (bundled with this page from npm,
 * never loaded from a CDN: the CSP allows only this origin's scripts). Each
 * chart fills its card's width, follows it on resize, takes its colours from
 * the page's CSS variables (so dark mode works), and shows an empty state
 * instead of an empty plot.
 */
import uPlot from "uplot";

const HEIGHT = 180;

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

function axis(format?: (v: number) => string): uPlot.Axis {
  const muted = cssVar("--muted", "#6b7189");
  const line = cssVar("--line", "#e3e6f0");
  return {
    stroke: muted,
    // Room for labels such as "0.05/s" and "12.5 %".
    ...(format ? { size: 64 } : {}),
    grid: { stroke: line, width: 1 },
    ticks: { stroke: line, width: 1 },
    ...(format ? { values: (_u: uPlot, splits: number[]) => splits.map(format) } : {}),
  };
}

/** A chart inside a card: the plot, or the empty state while there is nothing to plot. */
abstract class CardChart {
  protected plot: uPlot | undefined;
  readonly #empty: HTMLElement;

  constructor(
    protected readonly host: HTMLElement,
    emptyText: string,
  ) {
    this.#empty = document.createElement("p");
    this.#empty.className = "chart-empty";
    this.#empty.textContent = emptyText;
    host.append(this.#empty);
    new ResizeObserver(() => this.plot?.setSize({ width: this.#width(), height: HEIGHT })).observe(host);
  }

  protected show(data: uPlot.AlignedData, hasData: boolean): void {
    this.#empty.hidden = hasData;
    this.host.dataset.state = hasData ? "data" : "empty";
    if (!hasData) {
      this.plot?.destroy();
      this.plot = undefined;
      return;
    }
    if (this.plot) this.plot.setData(data);
    else this.plot = new uPlot({ ...this.options(), width: this.#width(), height: HEIGHT }, data, this.host);
  }

  protected abstract options(): Omit<uPlot.Options, "width" | "height">;

  #width(): number {
    return Math.max(200, this.host.clientWidth);
  }
}

/** One line over time (the 24-hour series), always the whole window ending now. */
export class TimeChart extends CardChart {
  /** The x range, seconds. */
  #window: [number, number] = [0, 1];

  constructor(
    host: HTMLElement,
    private readonly label: string,
    private readonly format: (v: number) => string,
    emptyText = "No data yet: the stats fill in as rooms report.",
  ) {
    super(host, emptyText);
  }

  /**
   * `t` in ms since the epoch, one value per minute (null = no value that
   * minute), shown over the `windowMs` before `now`.
   */
  update(t: readonly number[], values: readonly (number | null)[], now: number, windowMs: number): void {
    this.#window = [(now - windowMs) / 1000, now / 1000];
    const hasData = values.some((v) => v !== null);
    this.show([t.map((ms) => ms / 1000), [...values]], hasData);
  }

  protected options(): Omit<uPlot.Options, "width" | "height"> {
    const accent = cssVar("--accent", "#5b5bd6");
    return {
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true, range: () => this.#window },
        y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
      },
      series: [{}, { label: this.label, stroke: accent, width: 2, fill: `${accent}22`, spanGaps: false }],
      axes: [axis(), axis(this.format)],
    };
  }
}
