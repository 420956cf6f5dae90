import { describeModel } from './testing/model-suite';

describeModel('resnet50-unet');
