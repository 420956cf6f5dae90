import { describeModel } from './testing/model-suite';

describeModel('r2unet');
