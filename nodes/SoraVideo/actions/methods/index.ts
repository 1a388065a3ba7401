import { videoModels } from './video-models';

/** The node's `methods`: option lists the editor loads through the credential. */
export const methods = { loadOptions: { videoModels } };
