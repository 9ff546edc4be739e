import type { PulseQuestionResults, PulseScale } from '@pulsestage/contracts';
import { PULSE_SCALE_RANGE } from '@pulsestage/contracts/limits';
import type { ChartConfiguration } from 'chart.js';
import { t } from 'i18next';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { ChartCanvas } from './chart-canvas';
import { describeTrend, trendLine } from './pulse-figures';

const LINE_COLOR = '#4f46e5';
/** Big enough to read on a projector across a room. */
const TICK_FONT = { size: 14 };

interface PulseTrendProps {
  scale: PulseScale;
  trend: PulseQuestionResults['trend'];
}

/** The mean answer week by week, on the whole scale, with gaps where a week is not shown. */
export default function PulseTrend({ scale, trend }: PulseTrendProps) {
  const { i18n } = useTranslation();
  const config = useMemo((): ChartConfiguration<'line'> => {
    const [lowest, highest] = PULSE_SCALE_RANGE[scale];
    const { labels, means } = trendLine(trend);
    return {
      type: 'line',
      data: {
        labels,
        datasets: [
          {
            label: t('pulse.meanAnswer'),
            data: means,
            borderColor: LINE_COLOR,
            backgroundColor: LINE_COLOR,
            borderWidth: 3,
            pointRadius: 4,
            tension: 0.25,
          },
        ],
      },
      options: {
        plugins: { legend: { display: false } },
        scales: {
          y: { min: lowest, max: highest, ticks: { stepSize: scale === 'agree5' ? 1 : 2, font: TICK_FONT } },
          x: { ticks: { maxRotation: 0, autoSkipPadding: 12, font: TICK_FONT } },
        },
      },
    };
  }, [scale, trend, i18n.language]);
  return <ChartCanvas config={config} label={describeTrend(scale, trend)} height="14rem" />;
}
