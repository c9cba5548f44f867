"""Parity cases of the regularization layers (Keras 3's keras/src/layers/regularization) in inference,
where they are the identity (their training behaviour is random: test/keras/layers/regularization.test.ts
checks it statistically): Dropout (noise_shape, seed), SpatialDropout1D/2D/3D, GaussianNoise,
GaussianDropout, AlphaDropout, ActivityRegularization; and rate 0 in training."""
from keras import layers
from generate import case

CASES = {
    "dropout": case(lambda x: layers.Dropout(0.5), inputs=[(3, 4)]),
    "dropout_noise_shape_seed": case(lambda x: layers.Dropout(0.3, noise_shape=(None, 1, 4), seed=3), inputs=[(2, 3, 4)]),
    "dropout_rate0_training": case(lambda x: layers.Dropout(0.0), inputs=[(3, 4)], training=True),
    "spatial_dropout1d": case(lambda x: layers.SpatialDropout1D(0.4), inputs=[(2, 5, 3)]),
    "spatial_dropout2d": case(lambda x: layers.SpatialDropout2D(0.4, seed=1), inputs=[(2, 4, 4, 3)]),
    "spatial_dropout2d_channels_first": case(lambda x: layers.SpatialDropout2D(0.2, data_format="channels_first"), inputs=[(2, 3, 4, 4)]),
    "spatial_dropout3d": case(lambda x: layers.SpatialDropout3D(0.2), inputs=[(2, 2, 3, 3, 2)]),
    "gaussian_noise": case(lambda x: layers.GaussianNoise(0.5), inputs=[(3, 4)]),
    "gaussian_noise_rate0_training": case(lambda x: layers.GaussianNoise(0.0), inputs=[(3, 4)], training=True),
    "gaussian_dropout": case(lambda x: layers.GaussianDropout(0.3, seed=2), inputs=[(3, 4)]),
    "alpha_dropout": case(lambda x: layers.AlphaDropout(0.2), inputs=[(3, 4)]),
    "activity_regularization": case(lambda x: layers.ActivityRegularization(l1=0.01, l2=0.02), inputs=[(3, 4)]),
    "stack": case(lambda x: layers.Dense(2)(layers.GaussianDropout(0.1)(layers.GaussianNoise(0.1)(layers.Dropout(0.2)(layers.ActivityRegularization(l2=0.1)(layers.Dense(4)(x)))))), inputs=[(3, 5)]),
    "conv_spatial_stack": case(lambda x: layers.Conv2D(2, 2)(layers.SpatialDropout2D(0.3)(layers.Conv2D(3, 2)(x))), inputs=[(2, 5, 5, 1)]),
}
