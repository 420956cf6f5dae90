import { describeModel } from './testing/model-suite';

describeModel('regunet');
