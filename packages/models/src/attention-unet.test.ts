import { describeModel } from './testing/model-suite';

describeModel('attention-unet');
