// Moved to @iocflow/testing (the fault suite in test/faults uses it too); kept as a re-export.
export { REPO_ROOT, ServiceProcess, appBundle } from '@iocflow/testing';
