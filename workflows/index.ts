export { permitProjectWorkflow } from './permit-project/workflow';
export { permitSectionWorkflow } from './permit-section/workflow';
export { supervisionCycleWorkflow } from './supervision-cycle/workflow';
export { alertDispatchWorkflow } from './alerts/workflow';
