/**
 * Counts per category (the connection states) as a list of labelled bars in
 * HTML, one row each: the label, a bar scaled to the largest count, the count.
 * A canvas chart puts its category labels side by side under the bars, where
 * "closed normally" and "idle / going away" overlap on a phone; rows never do,
 * and their text wraps at spaces like any other text.
 */

/** The bars of one card, or its empty state while every count is zero. */
export class BarList {
  readonly #list: HTMLUListElement;
  readonly #empty: HTMLElement;

  constructor(
    private readonly host: HTMLElement,
    emptyText: string,
  ) {
    this.#list = document.createElement("ul");
    this.#list.className = "bar-list";
    this.#empty = document.createElement("p");
    this.#empty.className = "chart-empty";
    this.#empty.textContent = emptyText;
    host.append(this.#list, this.#empty);
  }

  /**
   * Shows `values[i]` for `labels[i]`.
   * @example bars.update(["in rooms", "dropped"], [12, 1])
   */
  update(labels: readonly string[], values: readonly number[]): void {
    const max = Math.max(0, ...values);
    const hasData = max > 0;
    this.host.dataset.state = hasData ? "data" : "empty";
    this.#empty.hidden = hasData;
    this.#list.hidden = !hasData;
    this.#list.replaceChildren(...labels.map((label, i) => row(label, values[i] ?? 0, max)));
  }
}

function row(label: string, value: number, max: number): HTMLLIElement {
  const li = document.createElement("li");
  li.className = "bar-row";
  const name = document.createElement("span");
  name.className = "bar-label";
  name.textContent = label;
  const track = document.createElement("span");
  track.className = "bar-track";
  // The bar is drawn, the number beside it says the value: the bar itself is decoration.
  track.setAttribute("aria-hidden", "true");
  const bar = document.createElement("span");
  bar.className = "bar";
  bar.style.width = max > 0 ? `${(value / max) * 100}%` : "0";
  // A small count still shows as a sliver; zero shows no bar at all.
  bar.style.minWidth = value > 0 ? "2px" : "0";
  track.append(bar);
  const count = document.createElement("span");
  count.className = "bar-value";
  count.textContent = new Intl.NumberFormat().format(value);
  li.append(name, track, count);
  return li;
}
