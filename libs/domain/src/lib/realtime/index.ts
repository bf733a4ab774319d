export * from './measure.projection';
export * from './platform-report.projection';
export * from './projection';
export * from './registry';
export * from './signal.projection';
export * from './timeline.projection';
