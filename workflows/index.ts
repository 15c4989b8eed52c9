export { permitProjectWorkflow } from './permit-project/workflow';
export { permitSectionWorkflow } from './permit-section/workflow';
