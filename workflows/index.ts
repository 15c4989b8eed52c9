export { permitProjectWorkflow } from './permit-project/workflow';
