import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  type ChartType,
  DoughnutController,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { useEffect, useRef } from 'react';
import { useTheme } from '../../lib/theme';

// Only what the analytics charts draw, so the rest of Chart.js stays out of the bundle.
Chart.register(
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  DoughnutController,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
);
Chart.defaults.font.family = 'Inter, ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
// The figures refresh while a meeting runs: redrawing without motion keeps them calm to read.
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;

interface ChartCanvasProps<Type extends ChartType> {
  config: ChartConfiguration<Type>;
  /** What the chart shows, in words, for screen readers. */
  label: string;
  /** CSS height of the drawing area. */
  height: string;
}

/**
 * A canvas is drawn with colours, not classes: its text and grid take the theme's through the computed
 * style of the box around it (`text-slate-600 border-slate-200`).
 */
function takeThemeColors(box: HTMLElement): void {
  const style = getComputedStyle(box);
  Chart.defaults.color = style.color;
  Chart.defaults.borderColor = style.borderTopColor;
}

function Drawing<Type extends ChartType>({ config, label, height }: ChartCanvasProps<Type>) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current?.parentElement) return;
    takeThemeColors(canvas.current.parentElement);
    const chart = new Chart(canvas.current, config);
    return () => chart.destroy();
  }, [config]);
  return (
    <div className="relative w-full border-slate-200 text-slate-600" style={{ height }}>
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}

/** One Chart.js chart, drawn again whenever its configuration or the theme changes. */
export function ChartCanvas<Type extends ChartType>(props: ChartCanvasProps<Type>) {
  return <Drawing key={useTheme()} {...props} />;
}
