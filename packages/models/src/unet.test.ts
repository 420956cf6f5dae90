import { describeModel } from './testing/model-suite';

describeModel('unet');
