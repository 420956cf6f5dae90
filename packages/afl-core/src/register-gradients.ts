// tfjs-core's CommonJS build registers no op gradients; tfjs-layers' build registers all of them on import.
// Without this, tf.grad through any loss fails with "gradient function not found".
import '@tensorflow/tfjs-layers';
